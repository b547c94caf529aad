using System.Globalization;
using System.Text;

namespace Convex.Sim.Core.Values;

/// <summary>
/// The location inside a value being walked (<c>author.tags[3]</c>), kept as a stack of segments
/// and rendered only when an error needs it, so that walking a valid value allocates no strings.
/// </summary>
internal sealed class ValuePath
{
    private readonly List<(string? Name, int Index)> _segments = [];

    public int Count => _segments.Count;

    public void PushField(string name) => _segments.Add((name, -1));

    public void PushIndex(int index)
    {
        Invariant.Assert(index >= 0);
        _segments.Add((null, index));
    }

    public void Pop()
    {
        Invariant.Assert(_segments.Count > 0);
        _segments.RemoveAt(_segments.Count - 1);
    }

    /// <summary>"the top level" or "path `a.b[3]`", for messages such as "... at path `a.b`".</summary>
    public string Describe() => _segments.Count == 0 ? "the top level" : $"path `{this}`";

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, index) in _segments)
        {
            if (name is null)
            {
                text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                text.Append(text.Length == 0 ? "" : ".").Append(name);
            }
        }

        return text.ToString();
    }
}
