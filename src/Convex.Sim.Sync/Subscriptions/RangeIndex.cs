using Convex.Sim.Core;

namespace Convex.Sim.Sync.Subscriptions;

/// <summary>
/// Byte-key intervals <c>[start, end)</c> (a null end is unbounded) answering "which intervals
/// contain this key" in time proportional to the answer and the logarithm of the size, so that a
/// commit costs the same however many unrelated subscriptions exist. A treap ordered by
/// (start, insertion number), each node carrying the largest end in its subtree; the priorities are
/// a fixed mix of the insertion number, so the shape (and every output order) is deterministic.
/// Not thread-safe: the owner serialises access.
/// </summary>
internal sealed class RangeIndex<T>
{
    private Node? _root;
    private long _nextSequence;

    public int Count { get; private set; }

    /// <summary>Adds an interval; the handle removes it.</summary>
    public object Add(byte[] start, byte[]? end, T value)
    {
        var node = new Node(start, end, value, _nextSequence++);
        var (less, rest) = Split(_root, node, inclusive: false);
        _root = Merge(Merge(less, node), rest);
        Count++;
        return node;
    }

    public void Remove(object handle)
    {
        var node = (Node)handle;
        var (less, rest) = Split(_root, node, inclusive: false);
        var (found, greater) = Split(rest, node, inclusive: true);
        Invariant.Assert(ReferenceEquals(found, node) && found!.Left is null && found.Right is null);
        _root = Merge(less, greater);
        Count--;
    }

    /// <summary>Every value whose interval contains <paramref name="key"/>, in (start, insertion) order.</summary>
    public void Stab(ReadOnlySpan<byte> key, List<T> into) => Stab(_root, key, into);

    private static void Stab(Node? node, ReadOnlySpan<byte> key, List<T> into)
    {
        while (node is not null)
        {
            if (node.MaxEnd is not null && node.MaxEnd.AsSpan().SequenceCompareTo(key) <= 0)
            {
                return; // every interval below ends at or before the key
            }

            Stab(node.Left, key, into);
            if (node.Start.AsSpan().SequenceCompareTo(key) > 0)
            {
                return; // this start and every start to the right are after the key
            }

            if (node.End is null || node.End.AsSpan().SequenceCompareTo(key) > 0)
            {
                into.Add(node.Value);
            }

            node = node.Right;
        }
    }

    /// <summary>Splits into the nodes ordered before <paramref name="pivot"/> (or at it, when inclusive) and the rest.</summary>
    private static (Node? Before, Node? After) Split(Node? tree, Node pivot, bool inclusive)
    {
        if (tree is null)
        {
            return (null, null);
        }

        var order = Compare(tree, pivot);
        if (order < 0 || (inclusive && order == 0))
        {
            var (before, after) = Split(tree.Right, pivot, inclusive);
            tree.Right = before;
            tree.Update();
            return (tree, after);
        }
        else
        {
            var (before, after) = Split(tree.Left, pivot, inclusive);
            tree.Left = after;
            tree.Update();
            return (before, tree);
        }
    }

    /// <summary>Joins two treaps where every node of <paramref name="left"/> orders before every node of <paramref name="right"/>.</summary>
    private static Node? Merge(Node? left, Node? right)
    {
        if (left is null || right is null)
        {
            return left ?? right;
        }

        if (left.Priority >= right.Priority)
        {
            left.Right = Merge(left.Right, right);
            left.Update();
            return left;
        }

        right.Left = Merge(left, right.Left);
        right.Update();
        return right;
    }

    private static int Compare(Node a, Node b)
    {
        var order = a.Start.AsSpan().SequenceCompareTo(b.Start);
        return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
    }

    private sealed class Node(byte[] start, byte[]? end, T value, long sequence)
    {
        public byte[] Start { get; } = start;

        public byte[]? End { get; } = end;

        public T Value { get; } = value;

        public long Sequence { get; } = sequence;

        public ulong Priority { get; } = Mix((ulong)sequence);

        public Node? Left { get; set; }

        public Node? Right { get; set; }

        /// <summary>The largest end in this subtree (null: unbounded).</summary>
        public byte[]? MaxEnd { get; private set; } = end;

        public void Update() => MaxEnd = Larger(Larger(End, Left?.MaxEnd, Left is null), Right?.MaxEnd, Right is null);

        /// <summary>The larger of two ends, null being unbounded; <paramref name="absent"/> ignores <paramref name="b"/>.</summary>
        private static byte[]? Larger(byte[]? a, byte[]? b, bool absent)
        {
            if (absent || a is null)
            {
                return a;
            }

            return b is null || b.AsSpan().SequenceCompareTo(a) > 0 ? b : a;
        }

        /// <summary>SplitMix64's finaliser: well-spread priorities from a counter.</summary>
        private static ulong Mix(ulong x)
        {
            x += 0x9E3779B97F4A7C15;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
            return x ^ (x >> 31);
        }
    }
}
