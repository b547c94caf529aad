using Convex.Sim.Core.Values;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>Properties of the value model: codec round trip, a total order, an order-preserving key codec.</summary>
[Properties(Arbitrary = [typeof(ValueGenerators)], MaxTest = 300)]
public sealed class ValuePropertyTests
{
    private static readonly ConvexValueComparer Order = ConvexValueComparer.Instance;

    [Property]
    public bool Convex_json_round_trips(ConvexValue value)
    {
        var decoded = ConvexJson.Decode(ConvexJson.Encode(value));
        return Order.Compare(value, decoded) == 0 && ConvexJson.Encode(decoded) == ConvexJson.Encode(value);
    }

    [Property]
    public bool Order_is_antisymmetric((ConvexValue A, ConvexValue B) pair) =>
        Math.Sign(Order.Compare(pair.A, pair.B)) == -Math.Sign(Order.Compare(pair.B, pair.A));

    [Property]
    public bool Order_is_transitive((ConvexValue A, ConvexValue B, ConvexValue C) t)
    {
        var sorted = new[] { t.A, t.B, t.C }.Order(Order).ToArray();
        return Order.Compare(sorted[0], sorted[1]) <= 0
            && Order.Compare(sorted[1], sorted[2]) <= 0
            && Order.Compare(sorted[0], sorted[2]) <= 0;
    }

    [Property]
    public bool Equal_values_have_equal_hashes_and_encodings((ConvexValue A, ConvexValue B) pair)
    {
        var copy = ConvexJson.Decode(ConvexJson.Encode(pair.A));
        var equal = Order.Compare(pair.A, pair.B) == 0;
        return Order.GetHashCode(pair.A) == Order.GetHashCode(copy)
            && equal == (ConvexJson.Encode(pair.A) == ConvexJson.Encode(pair.B));
    }

    [Property]
    public bool Index_keys_preserve_the_order((ConvexValue?[] A, ConvexValue?[] B) pair)
    {
        var expected = Math.Sign(Order.CompareTuples(pair.A, pair.B));
        var actual = Math.Sign(IndexKeyCodec.Encode(pair.A).AsSpan().SequenceCompareTo(IndexKeyCodec.Encode(pair.B)));
        return expected == actual;
    }

    [Property]
    public bool An_index_key_starts_with_the_key_of_its_prefix((ConvexValue?[] A, ConvexValue?[] B) pair)
    {
        var whole = IndexKeyCodec.Encode([.. pair.A, .. pair.B]);
        return whole.AsSpan().StartsWith(IndexKeyCodec.Encode(pair.A));
    }

    [Property]
    public bool Index_keys_decode_to_the_same_tuple((ConvexValue?[] A, ConvexValue?[] B) pair)
    {
        var decoded = IndexKeyCodec.Decode(IndexKeyCodec.Encode(pair.A));
        return Order.CompareTuples(decoded, pair.A) == 0 && decoded.Count == pair.A.Length;
    }

    [Property]
    public bool Size_of_an_array_is_two_plus_its_elements(ConvexValue value)
    {
        var array = new ConvexArray([value, value]);
        return ValueSize.Of(array) == 2 + (2 * ValueSize.Of(value));
    }
}
