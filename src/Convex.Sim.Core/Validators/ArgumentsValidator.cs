using System.Globalization;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// A function's <c>args</c> validator, as <c>exportArgs()</c> reports it at push time (§5.2, §5.4):
/// an object validator, or <c>v.any()</c> when the function declared no <c>args</c> (then nothing is
/// checked). The server validates before invoking; a failure is reported to the caller as
/// <c>ArgumentValidationError: &lt;validator message&gt;</c>.
/// </summary>
public sealed class ArgumentsValidator
{
    private const string Prefix = "ArgumentValidationError: ";

    private ArgumentsValidator(ObjectValidator? validator) => Validator = validator;

    /// <summary>No <c>args</c> declared: any arguments are accepted.</summary>
    public static ArgumentsValidator Unvalidated { get; } = new(null);

    /// <summary>The object the single argument must match, or null when unvalidated.</summary>
    public ObjectValidator? Validator { get; }

    /// <summary>Parses the string that <c>exportArgs()</c> returns.</summary>
    public static ArgumentsValidator Parse(string json)
    {
        Validator validator;
        try
        {
            validator = Validators.Validator.Parse(json);
        }
        catch (ValidatorParseException e)
        {
            throw new ValidatorParseException(
                e.Code,
                $"Error in args validator: {e.Message}\n" +
                "See https://docs.convex.dev/functions/validation for docs on how to do argument validation.");
        }

        return From(validator);
    }

    /// <summary>Only an object validator or <c>v.any()</c> can describe arguments.</summary>
    public static ArgumentsValidator From(Validator validator) => validator switch
    {
        ObjectValidator obj => new ArgumentsValidator(obj),
        { Kind: ValidatorKind.Any } => Unvalidated,
        _ => throw new ValidatorParseException($"Args validator must be an object or any, found {validator}."),
    };

    /// <summary>The JSON form: the object validator, or <c>{"type":"any"}</c>.</summary>
    public string ToJson() => (Validator ?? Validators.Validator.Any).ToJson();

    /// <summary>
    /// Checks the positional argument array the client sent (normally <c>[{...}]</c>); null means valid.
    /// An empty array counts as one empty object, the library's reading of "no arguments" (the official
    /// backend would instead report the count). More than one argument, or a non-object, is an error.
    /// </summary>
    public ValidationError? ValidateArguments(ConvexArray arguments, TableNameLookup tableNames)
    {
        if (Validator is null)
        {
            return null;
        }

        var count = arguments.Items.Length;
        if (count > 1)
        {
            var detail = count.ToString(CultureInfo.InvariantCulture);
            var countError = new ValidationError(ValidationErrorKind.ArgumentCount, "", arguments, null, detail);
            return countError.WithPrefix(Prefix);
        }

        var argument = count == 0 ? ConvexObject.Empty : arguments.Items[0];
        if (argument is not ConvexObject)
        {
            return new ValidationError(ValidationErrorKind.ArgumentNotObject, "", argument, null).WithPrefix(Prefix);
        }

        return Validator.Validate(argument, tableNames)?.WithPrefix(Prefix);
    }
}
