using System.Globalization;
using System.Text.Json;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>Properties of the value model: codec round trips, a total order, an order-preserving key codec.</summary>
[Properties(Arbitrary = [typeof(ValueGenerators)], MaxTest = 300)]
public sealed class ValuePropertyTests
{
    private static readonly ConvexValueComparer Order = ConvexValueComparer.Instance;

    [Property]
    public bool Convex_json_round_trips(ConvexValue value)
    {
        var json = ConvexJson.Encode(value);
        var decoded = ConvexJson.Decode(json);
        return Order.Compare(value, decoded) == 0 && ConvexJson.Encode(decoded) == json;
    }

    [Property]
    public bool Convex_json_round_trips_through_json_elements(ConvexValue value)
    {
        using var document = JsonDocument.Parse(ConvexJson.EncodeToUtf8(value));
        return Order.Equals(value, ConvexJson.Decode(document.RootElement))
            && Order.Equals(value, ConvexJson.DecodeAllowingUndefined(document.RootElement));
    }

    [Property]
    public bool Clean_json_is_valid_json(ConvexValue value)
    {
        using var document = JsonDocument.Parse(ConvexCleanJson.Encode(value));
        return document.RootElement.ValueKind != JsonValueKind.Undefined;
    }

    [Property]
    public bool Plain_numbers_read_back_as_the_same_double(double value)
    {
        var json = ConvexJson.Encode(new ConvexFloat64(value));
        return ConvexJson.NeedsFloatTag(value)
            ? json.StartsWith("{\"$float\":", StringComparison.Ordinal)
            : double.Parse(json, CultureInfo.InvariantCulture).Equals(value)
                && !json.Contains('E', StringComparison.Ordinal);
    }

    [Property]
    public bool Order_is_reflexive(ConvexValue value) => Order.Compare(value, value) == 0;

    [Property]
    public bool Order_is_antisymmetric((ConvexValue A, ConvexValue B) pair) =>
        Math.Sign(Order.Compare(pair.A, pair.B)) == -Math.Sign(Order.Compare(pair.B, pair.A));

    [Property]
    public bool Order_is_transitive((ConvexValue A, ConvexValue B, ConvexValue C) t)
    {
        var ab = Order.Compare(t.A, t.B);
        var bc = Order.Compare(t.B, t.C);
        var ac = Order.Compare(t.A, t.C);
        return !(ab <= 0 && bc <= 0) || (ac <= 0 && (ac == 0) == (ab == 0 && bc == 0));
    }

    [Property]
    public bool Equality_agrees_with_hash_and_encoding((ConvexValue A, ConvexValue B) pair)
    {
        var equal = Order.Compare(pair.A, pair.B) == 0;
        var sameEncoding = ConvexJson.Encode(pair.A) == ConvexJson.Encode(pair.B);
        return equal == sameEncoding && (!equal || Order.GetHashCode(pair.A) == Order.GetHashCode(pair.B));
    }

    [Property]
    public bool Index_keys_preserve_the_order((ConvexValue?[] A, ConvexValue?[] B) pair)
    {
        var expected = Math.Sign(Order.CompareTuples(pair.A, pair.B));
        var actual = Math.Sign(IndexKeyCodec.Encode(pair.A).AsSpan().SequenceCompareTo(IndexKeyCodec.Encode(pair.B)));
        return expected == actual;
    }

    [Property]
    public bool Index_keys_with_ids_order_by_values_then_id((ConvexValue?[] A, ConvexValue?[] B) pair, bool sameValues,
        uint tableA, uint tableB, ulong idA, ulong idB)
    {
        var b = sameValues ? pair.A : pair.B;
        var x = new DocumentId(new TableNumber(tableA), new UInt128(idA, idB));
        var y = new DocumentId(new TableNumber(tableB), new UInt128(idB, idA));
        var byValues = Order.CompareTuples(pair.A, b);
        var expected = Math.Sign(byValues != 0 ? byValues : x.CompareTo(y));
        var actual = IndexKeyCodec.Encode(pair.A, x).AsSpan().SequenceCompareTo(IndexKeyCodec.Encode(b, y));
        return expected == Math.Sign(actual);
    }

    [Property]
    public bool An_index_key_starts_with_the_key_of_its_prefix((ConvexValue?[] A, ConvexValue?[] B) pair, ulong id)
    {
        var prefix = IndexKeyCodec.Encode(pair.A);
        var whole = IndexKeyCodec.Encode([.. pair.A, .. pair.B]);
        var withId = IndexKeyCodec.Encode([.. pair.A, .. pair.B], new DocumentId(new TableNumber(10001), id));
        return whole.AsSpan().StartsWith(prefix) && withId.AsSpan().StartsWith(whole);
    }

    [Property]
    public bool Index_keys_decode_to_the_same_tuple((ConvexValue?[] A, ConvexValue?[] B) pair, uint table, ulong id)
    {
        var decoded = IndexKeyCodec.Decode(IndexKeyCodec.Encode(pair.A));
        var documentId = new DocumentId(new TableNumber(table), new UInt128(id, ~id));
        var (values, decodedId) = IndexKeyCodec.DecodeWithId(IndexKeyCodec.Encode(pair.B, documentId));
        return decoded.Count == pair.A.Length && Order.CompareTuples(decoded, pair.A) == 0
            && values.Count == pair.B.Length && Order.CompareTuples(values, pair.B) == 0
            && decodedId == documentId;
    }

    [Property]
    public bool Size_of_containers_adds_two_and_the_framing(ConvexValue value)
    {
        var array = new ConvexArray([value, value]);
        var obj = ConvexObject.Empty.With("key", value);
        return ValueSize.Of(array) == 2 + (2 * ValueSize.Of(value))
            && ValueSize.Of(obj) == 2 + 3 + 1 + ValueSize.Of(value);
    }

    [Property]
    public bool Generated_values_are_valid(ConvexValue value)
    {
        ValueLimits.Validate(value);
        return true;
    }
}
