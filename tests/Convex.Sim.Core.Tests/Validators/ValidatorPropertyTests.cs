using Convex.Sim.Core.Tests.Values;
using Convex.Sim.Core.Validators;
using Convex.Sim.Core.Values;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary>
/// Properties over random validators and values: the JSON form round-trips exactly, <c>v.any()</c>
/// accepts every value and <c>v.union()</c> none, and the exact type of a value accepts it.
/// </summary>
[Properties(Arbitrary = [typeof(ValidatorGenerators)], MaxTest = 300)]
public sealed class ValidatorPropertyTests
{
    [Property]
    public bool Json_round_trips(Validator validator)
    {
        var json = validator.ToJson();
        var parsed = Validator.Parse(json);
        return parsed.Equals(validator) && parsed.ToJson() == json && parsed.ToString() == validator.ToString();
    }

    [Property]
    public bool Any_accepts_every_value(ConvexValue value) => Validator.Any.Validate(value, TestTables.Lookup) is null;

    [Property]
    public bool The_empty_union_rejects_every_value(ConvexValue value)
    {
        var error = Validator.Union().Validate(value, TestTables.Lookup);
        return error is { Kind: ValidationErrorKind.NoMatch, Path: "" }
            && error.Message.StartsWith("Value does not match validator.\n\nValue: ", StringComparison.Ordinal);
    }

    [Property]
    public bool The_exact_type_of_a_value_accepts_it(ConvexValue value) =>
        ValidatorGenerators.TypeOf(value).Validate(value, TestTables.Lookup) is null;

    [Property]
    public bool Adding_any_to_a_union_accepts_everything(Validator validator, ConvexValue value) =>
        Validator.Union(validator, Validator.Any).Validate(value, TestTables.Lookup) is null;

    [Property]
    public bool A_value_matches_a_union_exactly_when_it_matches_a_member(Validator a, Validator b, ConvexValue value)
    {
        var either = Validator.Union(a, b).Validate(value, TestTables.Lookup) is null;
        var members = a.Validate(value, TestTables.Lookup) is null || b.Validate(value, TestTables.Lookup) is null;
        return either == members;
    }
}

/// <summary>Random validators (all kinds, depth ≤ 3) and the values of <see cref="ValueGenerators"/>.</summary>
public static class ValidatorGenerators
{
    private static readonly string[] FieldNames = ["a", "b", "body", "_x", "n1"];

    private static Gen<Validator> Scalar => Gen.OneOf(
        Gen.Elements(Validator.Null, Validator.Float64, Validator.Int64, Validator.CommitTs, Validator.Boolean,
            Validator.String, Validator.Bytes, Validator.Any),
        Gen.Elements("users", "messages", "_storage").Select(t => (Validator)Validator.Id(t)),
        Gen.OneOf(
            Gen.Elements("a", "", "é\"").Select(s => (ConvexValue)new ConvexString(s)),
            ArbMap.Default.GeneratorFor<long>().Select(i => (ConvexValue)new ConvexInt64(i)),
            ArbMap.Default.GeneratorFor<double>().Select(d => (ConvexValue)new ConvexFloat64(d)),
            Gen.Elements<ConvexValue>(ConvexBoolean.True, ConvexBoolean.False))
            .Select(v => (Validator)Validator.Literal(v)));

    private static Gen<Validator> OfDepth(int depth)
    {
        if (depth <= 0)
        {
            return Scalar;
        }

        var inner = OfDepth(depth - 1);
        var keys = Gen.Elements(
            Validator.String, Validator.Id("users"), Validator.Union(Validator.String, Validator.Id("messages")));
        var field = Gen.Zip(inner, ArbMap.Default.GeneratorFor<bool>())
            .Select(p => new FieldValidator(p.Item1, p.Item2));
        return Gen.Frequency(
            (3, Scalar),
            (1, inner.Select(e => (Validator)Validator.Array(e))),
            (1, Gen.Zip(keys, inner).Select(p => (Validator)Validator.Record(p.Item1, p.Item2))),
            (1, Gen.Zip(Gen.Elements(FieldNames), field).ListOf().Select(fields => (Validator)Validator.Object(fields
                .Take(4)
                .DistinctBy(f => f.Item1, StringComparer.Ordinal)
                .Select(f => new KeyValuePair<string, FieldValidator>(f.Item1, f.Item2))))),
            (1, inner.ListOf().Select(members => (Validator)Validator.Union(members.Take(3)))));
    }

    public static Arbitrary<Validator> Validators() => Arb.From(Gen.Sized(size => OfDepth(Math.Min(size / 10, 3))));

    public static Arbitrary<ConvexValue> Values() => ValueGenerators.Values();

    /// <summary>
    /// The tightest validator this code can build for a value: literals for booleans and strings,
    /// element unions for arrays, objects for identifier-keyed objects (records otherwise).
    /// </summary>
    public static Validator TypeOf(ConvexValue value) => value switch
    {
        ConvexNull => Validator.Null,
        ConvexInt64 i => Validator.Literal(i),
        ConvexFloat64 => Validator.Float64,
        ConvexBoolean b => Validator.Literal(b),
        ConvexString s => Validator.Literal(s),
        ConvexBytes => Validator.Bytes,
        ConvexArray a => Validator.Array(Validator.Union(a.Items.Select(TypeOf))),
        ConvexObject o when o.Fields.Keys.All(Identifiers.IsValidIdentifier) => Validator.Object(
            o.Fields.Select(f =>
                new KeyValuePair<string, FieldValidator>(f.Key, FieldValidator.Required(TypeOf(f.Value))))),
        ConvexObject o => Validator.Record(Validator.String, Validator.Union(o.Fields.Values.Select(TypeOf))),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}
