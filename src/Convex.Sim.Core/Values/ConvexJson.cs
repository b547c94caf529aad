namespace Convex.Sim.Core.Values;

// PLACEHOLDER: replaced by the values work.
public static class ConvexJson
{
    public static string Encode(ConvexValue value) => throw new NotSupportedException(value.Kind.ToString());
}
