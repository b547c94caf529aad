namespace Convex.Sim.Core.Validators;

/// <summary>
/// <c>v.record(keys, values)</c>: an object whose every field name (as a string) matches
/// <see cref="Keys"/> and every field value matches <see cref="Values"/>. Keys must be a subtype of
/// <c>v.string()</c> (string, id, or unions of those) and may not involve string literals; record
/// values cannot be optional. These are the backend's push-time rules.
/// </summary>
public sealed class RecordValidator : Validator
{
    internal RecordValidator(Validator keys, Validator values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (KeysProblem(keys) is { } problem)
        {
            throw new ValidatorParseException("InvalidRecordType", problem);
        }

        Keys = keys;
        Values = values;
    }

    public Validator Keys { get; }

    public Validator Values { get; }

    public override ValidatorKind Kind => ValidatorKind.Record;

    internal static string? KeysProblem(Validator keys)
    {
        if (!IsStringSubtype(keys))
        {
            return "Records can only have string keys. Your validator contains a record with key typed as " +
                   $"`{keys}`, which is not a subtype of `v.string()`";
        }

        return ContainsStringLiteral(keys) ? "Records cannot have string literal keys" : null;
    }

    /// <summary>Every value of <paramref name="v"/> is a string (an empty union vacuously qualifies).</summary>
    private static bool IsStringSubtype(Validator v) => v switch
    {
        ScalarValidator s => s.Kind == ValidatorKind.String,
        IdValidator => true,
        LiteralValidator l => l.Value is Values.ConvexString,
        UnionValidator u => u.Members.All(IsStringSubtype),
        _ => false,
    };

    private static bool ContainsStringLiteral(Validator v) => v switch
    {
        LiteralValidator l => l.Value is Values.ConvexString,
        UnionValidator u => u.Members.Any(ContainsStringLiteral),
        _ => false,
    };
}
