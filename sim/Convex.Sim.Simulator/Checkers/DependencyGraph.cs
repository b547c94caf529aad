namespace Convex.Sim.Simulator.Checkers;

/// <summary>Adya's dependency kinds between transactions.</summary>
public enum DependencyKind
{
    /// <summary>Write-write: the target overwrote (appended right after) the source's version.</summary>
    WriteWrite = 1,

    /// <summary>Write-read: the target read the source's version.</summary>
    WriteRead = 2,

    /// <summary>Read-write (anti-dependency): the target wrote the version after the one the source read.</summary>
    ReadWrite = 3,
}

/// <summary>A directed dependency edge.</summary>
public readonly record struct Dependency(int From, int To, DependencyKind Kind, string Key);

/// <summary>
/// The dependency graph among applied transactions, with cycle search. Cycles are classified by the
/// fewest anti-dependency edges any cycle in their strongly connected component needs: only ww edges
/// is G0, ww/wr is G1c, exactly one rw is G-single, otherwise G2-item (Adya; Elle).
/// </summary>
internal sealed class DependencyGraph
{
    private readonly SortedDictionary<int, List<Dependency>> _out = [];
    private readonly HashSet<(int, int, DependencyKind)> _seen = [];

    public IEnumerable<Dependency> Edges => _out.Values.SelectMany(e => e);

    public void Add(Dependency edge)
    {
        if (edge.From == edge.To || !_seen.Add((edge.From, edge.To, edge.Kind)))
        {
            return;
        }

        if (!_out.TryGetValue(edge.From, out var list))
        {
            _out[edge.From] = list = [];
        }

        list.Add(edge);
        _out.TryAdd(edge.To, []);
    }

    /// <summary>One classified witness cycle per non-trivial strongly connected component.</summary>
    public IEnumerable<(string Class, IReadOnlyList<Dependency> Cycle)> Cycles()
    {
        foreach (var component in StronglyConnectedComponents())
        {
            var members = component.ToHashSet();
            var cycle = FindCycle(members, k => k == DependencyKind.WriteWrite);
            if (cycle is not null)
            {
                yield return ("G0", cycle);
                continue;
            }

            cycle = FindCycle(members, k => k != DependencyKind.ReadWrite);
            if (cycle is not null)
            {
                yield return ("G1c", cycle);
                continue;
            }

            cycle = FindSingleAntiDependencyCycle(members);
            yield return cycle is not null ? ("G-single", cycle) : ("G2-item", FindCycle(members, _ => true)!);
        }
    }

    private List<List<int>> StronglyConnectedComponents()
    {
        // Iterative Tarjan, nodes visited in ascending id order so the output is deterministic.
        var index = new Dictionary<int, int>();
        var low = new Dictionary<int, int>();
        var onStack = new HashSet<int>();
        var stack = new Stack<int>();
        var result = new List<List<int>>();
        var next = 0;
        foreach (var root in _out.Keys)
        {
            if (index.ContainsKey(root))
            {
                continue;
            }

            var work = new Stack<(int Node, int Edge)>();
            work.Push((root, 0));
            index[root] = low[root] = next++;
            stack.Push(root);
            onStack.Add(root);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                var edges = _out[node];
                if (edge < edges.Count)
                {
                    work.Push((node, edge + 1));
                    var to = edges[edge].To;
                    if (!index.ContainsKey(to))
                    {
                        index[to] = low[to] = next++;
                        stack.Push(to);
                        onStack.Add(to);
                        work.Push((to, 0));
                    }
                    else if (onStack.Contains(to))
                    {
                        low[node] = Math.Min(low[node], index[to]);
                    }

                    continue;
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }

                if (low[node] == index[node])
                {
                    var component = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);

                    if (component.Count > 1)
                    {
                        component.Sort();
                        result.Add(component);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>A shortest cycle inside the component using only allowed edge kinds, or null.</summary>
    private List<Dependency>? FindCycle(HashSet<int> members, Func<DependencyKind, bool> allowed)
    {
        foreach (var start in members.Order())
        {
            foreach (var first in _out[start].Where(e => members.Contains(e.To) && allowed(e.Kind)))
            {
                if (ShortestPath(first.To, start, members, allowed) is { } rest)
                {
                    return [first, .. rest];
                }
            }
        }

        return null;
    }

    private List<Dependency>? FindSingleAntiDependencyCycle(HashSet<int> members)
    {
        foreach (var start in members.Order())
        {
            foreach (var rw in _out[start].Where(e => members.Contains(e.To) && e.Kind == DependencyKind.ReadWrite))
            {
                if (ShortestPath(rw.To, start, members, k => k != DependencyKind.ReadWrite) is { } rest)
                {
                    return [rw, .. rest];
                }
            }
        }

        return null;
    }

    private List<Dependency>? ShortestPath(int from, int to, HashSet<int> members, Func<DependencyKind, bool> allowed)
    {
        if (from == to)
        {
            return [];
        }

        var via = new Dictionary<int, Dependency>();
        var queue = new Queue<int>();
        queue.Enqueue(from);
        var visited = new HashSet<int> { from };
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var edge in _out[node])
            {
                if (!members.Contains(edge.To) || !allowed(edge.Kind) || !visited.Add(edge.To))
                {
                    continue;
                }

                via[edge.To] = edge;
                if (edge.To == to)
                {
                    var path = new List<Dependency>();
                    for (var at = to; at != from; at = via[at].From)
                    {
                        path.Add(via[at]);
                    }

                    path.Reverse();
                    return path;
                }

                queue.Enqueue(edge.To);
            }
        }

        return null;
    }
}
