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

    private static readonly string[] SpecialStrings =
        ["", "a", "a\0", "\0", "\uFFFF", "\uE000", "😀", "𝄞", "é", "ab", "b", "A", "\u007F", "\n"];

    public static Gen<ConvexValue> Scalar => Gen.OneOf(
        Gen.Constant<ConvexValue>(ConvexNull.Instance),
        ArbMap.Default.GeneratorFor<long>().Select(v => (ConvexValue)new ConvexInt64(v)),
        Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L, 1L).Select(v => (ConvexValue)new ConvexInt64(v)),
        ArbMap.Default.GeneratorFor<double>().Select(v => (ConvexValue)new ConvexFloat64(v)),
        Gen.Elements(SpecialFloats).Select(v => (ConvexValue)new ConvexFloat64(v)),
        NaNPayload.Select(v => (ConvexValue)new ConvexFloat64(v)),
        ArbMap.Default.GeneratorFor<bool>().Select(v => (ConvexValue)ConvexBoolean.Of(v)),
        Text.Select(v => (ConvexValue)new ConvexString(v)),
        ArbMap.Default.GeneratorFor<byte[]>().Select(v => (ConvexValue)new ConvexBytes(v ?? [])));

    /// <summary>NaNs with arbitrary sign and payload bits (all distinct in the total order).</summary>
    public static Gen<double> NaNPayload => ArbMap.Default.GeneratorFor<long>().Select(bits =>
        BitConverter.Int64BitsToDouble((bits & unchecked((long)0x800F_FFFF_FFFF_FFFF)) | 0x7FF0_0000_0000_0001));

    public static Gen<string> Text => Gen.OneOf(
        Gen.Elements(SpecialStrings),
        Gen.ArrayOf(Gen.Elements('a', 'b', '\0', 'é', '\uFFFF')).Select(cs => new string(cs)),
        ArbMap.Default.GeneratorFor<int>().ArrayOf().Select(AstralText),
        Gen.Elements(SpecialStrings).ArrayOf().Select(parts => string.Concat(parts)));

    /// <summary>Arbitrary code points across all planes (surrogate range excluded), as a string.</summary>
    private static string AstralText(int[] seeds) => string.Concat(seeds.Take(6).Select(seed =>
    {
        var codePoint = (int)((uint)seed % 0x10F800);
        return char.ConvertFromUtf32(codePoint >= 0xD800 ? codePoint + 0x800 : codePoint);
    }));

    public static Gen<string> FieldName => Gen.Elements("a", "b", "", "name", "x y", "A", "~", "_id", "a.b");

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
            (1, Gen.Zip(FieldName, inner).ListOf().Select(fields => (ConvexValue)ConvexObject.From(fields
                .Take(5)
                .GroupBy(f => f.Item1)
                .Select(g => new KeyValuePair<string, ConvexValue>(g.Key, g.First().Item2))))));
    }

    public static IEnumerable<ConvexValue> Shrink(ConvexValue value) => value switch
    {
        ConvexInt64 { Value: not 0 } i => [new ConvexInt64(i.Value / 2), new ConvexInt64(0)],
        ConvexString { Value.Length: > 0 } s => [new ConvexString(""), new ConvexString(FirstHalf(s.Value))],
        ConvexArray a => a.Items.Select((_, i) => (ConvexValue)new ConvexArray(a.Items.RemoveAt(i))).Concat(a.Items),
        ConvexObject o => o.Fields.Keys.Select(k => (ConvexValue)o.Without(k)).Concat(o.Fields.Values),
        ConvexNull => [],
        _ => [ConvexNull.Instance],
    };

    /// <summary>The first half of a string, never splitting a surrogate pair.</summary>
    private static string FirstHalf(string text)
    {
        var cut = text.Length / 2;
        return cut > 0 && char.IsHighSurrogate(text[cut - 1]) ? text[..(cut - 1)] : text[..cut];
    }

    public static Arbitrary<ConvexValue> Values() => Arb.From(Value, Shrink);

    /// <summary>Independent pairs, plus equal pairs built separately (so equality is not reference equality).</summary>
    public static Arbitrary<(ConvexValue, ConvexValue)> Pairs() => Arb.From(Gen.Frequency(
        (3, Value.SelectMany(a => Value.Select(b => (a, b)))),
        (1, Value.Select(a => (a, ConvexJson.Decode(ConvexJson.Encode(a)))))));

    public static Arbitrary<(ConvexValue, ConvexValue, ConvexValue)> Triples() =>
        Arb.From(Value.SelectMany(a => Value.SelectMany(b => Value.Select(c => (a, b, c)))));

    /// <summary>Tuples of equal length with optional "missing" entries, for index keys.</summary>
    /// <remarks>Half of the pairs share a prefix, so that later components decide the order.</remarks>
    public static Arbitrary<(ConvexValue?[], ConvexValue?[])> TuplePairs() => Arb.From(
        Gen.Choose(1, 3).SelectMany(n => Tuple(n).SelectMany(a => Tuple(n).SelectMany(b =>
            Gen.Choose(0, n).Select(shared => (a, (ConvexValue?[])[.. a.Take(shared), .. b.Skip(shared)]))))));

    private static Gen<ConvexValue?[]> Tuple(int length) =>
        Gen.Frequency((1, Gen.Constant<ConvexValue?>(null)), (5, Value.Select(v => (ConvexValue?)v)))
            .ArrayOf(length);
}
