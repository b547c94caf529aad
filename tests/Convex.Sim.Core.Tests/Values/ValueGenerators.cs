using System.Collections.Immutable;
using Convex.Sim.Core.Values;
using FsCheck;
using FsCheck.Fluent;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>
/// FsCheck generators of arbitrary Convex values, biased towards the awkward cases: NaN with both
/// signs, ±Infinity, -0, int64 extremes, astral-plane and NUL-containing strings, empty containers,
/// nested arrays and objects. Shrinking removes container elements and simplifies scalars.
/// </summary>
public static class ValueGenerators
{
    private static readonly double[] SpecialFloats =
    [
        double.NaN, -double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0,
        double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 1.0, -1.0, 0.5,
        BitConverter.Int64BitsToDouble(0x7FF0000000000001), // signalling NaN
    ];

    private static readonly string[] SpecialStrings = ["", "a", "a\0", "\0", "\uFFFF", "😀", "é", "ab", "b", "A"];

    public static Gen<ConvexValue> Scalar => Gen.OneOf(
        Gen.Constant<ConvexValue>(ConvexNull.Instance),
        ArbMap.Default.GeneratorFor<long>().Select(v => (ConvexValue)new ConvexInt64(v)),
        Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L, 1L).Select(v => (ConvexValue)new ConvexInt64(v)),
        ArbMap.Default.GeneratorFor<double>().Select(v => (ConvexValue)new ConvexFloat64(v)),
        Gen.Elements(SpecialFloats).Select(v => (ConvexValue)new ConvexFloat64(v)),
        ArbMap.Default.GeneratorFor<bool>().Select(v => (ConvexValue)ConvexBoolean.Of(v)),
        Text.Select(v => (ConvexValue)new ConvexString(v)),
        ArbMap.Default.GeneratorFor<byte[]>().Select(v => (ConvexValue)new ConvexBytes(v ?? [])));

    public static Gen<string> Text => Gen.OneOf(
        Gen.Elements(SpecialStrings),
        Gen.ArrayOf(Gen.Elements('a', 'b', '\0', 'é', '\uFFFF')).Select(cs => new string(cs)),
        Gen.Elements(SpecialStrings).ArrayOf().Select(parts => string.Concat(parts)));

    public static Gen<string> FieldName => Gen.Elements("a", "b", "", "name", "x y", "A", "~");

    public static Gen<ConvexValue> Value => Gen.Sized(size => ValueOfDepth(Math.Min(size / 10, 4)));

    public static Gen<ConvexValue> ValueOfDepth(int depth)
    {
        if (depth <= 0)
        {
            return Scalar;
        }

        var inner = ValueOfDepth(depth - 1);
        return Gen.Frequency(
            (3, Scalar),
            (1, inner.ListOf().Select(items => (ConvexValue)new ConvexArray([.. items.Take(5)]))),
            (1, Gen.Zip(FieldName, inner).ListOf().Select(fields => (ConvexValue)ConvexObject.From(
                fields.Take(5).GroupBy(f => f.Item1).Select(g => new KeyValuePair<string, ConvexValue>(g.Key, g.First().Item2))))));
    }

    public static IEnumerable<ConvexValue> Shrink(ConvexValue value) => value switch
    {
        ConvexArray a => a.Items.Select((_, i) => (ConvexValue)new ConvexArray(a.Items.RemoveAt(i))).Concat(a.Items),
        ConvexObject o => o.Fields.Keys.Select(k => (ConvexValue)o.Without(k)).Concat(o.Fields.Values),
        ConvexNull => [],
        _ => [ConvexNull.Instance],
    };

    public static Arbitrary<ConvexValue> Values() => Arb.From(Value, Shrink);

    public static Arbitrary<(ConvexValue, ConvexValue)> Pairs() =>
        Arb.From(Value.SelectMany(a => Value.Select(b => (a, b))));

    public static Arbitrary<(ConvexValue, ConvexValue, ConvexValue)> Triples() =>
        Arb.From(Value.SelectMany(a => Value.SelectMany(b => Value.Select(c => (a, b, c)))));

    /// <summary>Tuples of equal length with optional "missing" entries, for index keys.</summary>
    public static Arbitrary<(ConvexValue?[], ConvexValue?[])> TuplePairs() => Arb.From(
        Gen.Choose(1, 3).SelectMany(n => Tuple(n).SelectMany(a => Tuple(n).Select(b => (a, b)))));

    private static Gen<ConvexValue?[]> Tuple(int length) =>
        Gen.Frequency((1, Gen.Constant<ConvexValue?>(null)), (5, Value.Select(v => (ConvexValue?)v)))
            .ArrayOf(length);
}
