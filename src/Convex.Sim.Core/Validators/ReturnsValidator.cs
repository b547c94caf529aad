using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// A function's <c>returns</c> validator, as <c>exportReturns()</c> reports it (§5.2): JSON
/// <c>null</c> when none was declared. A return value that fails is reported as
/// <c>ReturnsValidationError: &lt;validator message&gt;</c>. An <c>undefined</c> return arrives as null.
/// </summary>
public sealed class ReturnsValidator
{
    private const string Prefix = "ReturnsValidationError: ";

    private ReturnsValidator(Validator? validator) => Validator = validator;

    /// <summary>No <c>returns</c> declared: any value is accepted.</summary>
    public static ReturnsValidator Unvalidated { get; } = new(null);

    public Validator? Validator { get; }

    /// <summary>Parses the string that <c>exportReturns()</c> returns (<c>"null"</c> or validator JSON).</summary>
    public static ReturnsValidator Parse(string json)
    {
        if (json.Trim() == "null")
        {
            return Unvalidated;
        }

        try
        {
            return new ReturnsValidator(Validators.Validator.Parse(json));
        }
        catch (ValidatorParseException e)
        {
            throw new ValidatorParseException(
                e.Code,
                $"Error in returns validator: {e.Message}\n" +
                "See https://docs.convex.dev/functions/validation for docs on how to do return value validation.");
        }
    }

    public static ReturnsValidator From(Validator? validator) => validator is null ? Unvalidated : new(validator);

    /// <summary>The JSON form: the validator, or <c>null</c>.</summary>
    public string ToJson() => Validator?.ToJson() ?? "null";

    /// <summary>Checks a function's result; null means valid (or nothing declared).</summary>
    public ValidationError? ValidateReturnValue(ConvexValue? value, TableNameLookup tableNames) =>
        Validator?.Validate(value, tableNames)?.WithPrefix(Prefix);
}
