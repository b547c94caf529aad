namespace Convex.Sim.Core.Values;

// PLACEHOLDER: replaced by the values work.
public sealed class ConvexValueComparer : IComparer<ConvexValue?>, IEqualityComparer<ConvexValue?>
{
    public static readonly ConvexValueComparer Instance = new();
    public int Compare(ConvexValue? x, ConvexValue? y) => throw new NotSupportedException();
    public bool Equals(ConvexValue? x, ConvexValue? y) => Compare(x, y) == 0;
    public int GetHashCode(ConvexValue? obj) => throw new NotSupportedException();
}
