using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>Why a value failed; each kind has its own official message (<see cref="ValidationError"/>).</summary>
public enum ValidationErrorKind
{
    /// <summary>The type does not fit the validator (also: an ID that does not decode, or a failed union).</summary>
    NoMatch = 1,

    /// <summary>The value is not the literal.</summary>
    LiteralMismatch = 2,

    /// <summary>A valid ID of another user table than <c>v.id("t")</c> names.</summary>
    TableNameMismatch = 3,

    /// <summary>A valid ID of a system table where <c>v.id("t")</c> names a user table.</summary>
    SystemTableReference = 4,

    /// <summary>An object lacks a field that is not optional.</summary>
    MissingRequiredField = 5,

    /// <summary>An object has a field that the validator does not list.</summary>
    ExtraField = 6,

    /// <summary>Function arguments are not exactly one value.</summary>
    ArgumentCount = 7,

    /// <summary>The function argument is not an object.</summary>
    ArgumentNotObject = 8,
}

/// <summary>
/// A validation failure. <see cref="Message"/> is the official backend's text, e.g.
/// <c>"Value does not match validator.\nPath: .author\nValue: 12.0\nValidator: v.string()"</c>; the
/// path line is empty when the failure is at the top level, exactly as the backend prints it.
/// Function-level checks prefix it with <c>ArgumentValidationError: </c> or <c>ReturnsValidationError: </c>.
/// The message is rendered on first use, so union members that fail cost no string building.
/// </summary>
public sealed class ValidationError
{
    private readonly ConvexValue? _value;
    private readonly Validator? _validator;
    private readonly string? _detail;
    private string? _message;

    internal ValidationError(
        ValidationErrorKind kind, string path, ConvexValue? value, Validator? validator, string? detail = null)
    {
        Invariant.Assert(path.Length == 0 || path[0] is '.' or '[');
        Kind = kind;
        Path = path;
        _value = value;
        _validator = validator;
        _detail = detail;
    }

    private ValidationError(ValidationError inner, string prefix)
        : this(inner.Kind, inner.Path, inner._value, inner._validator, inner._detail) =>
        Prefix = prefix;

    public ValidationErrorKind Kind { get; }

    /// <summary>Where it failed: "" at the top level, else like <c>.author.tags[2]</c> or <c>.keys()</c>.</summary>
    public string Path { get; }

    /// <summary>"ArgumentValidationError: ", "ReturnsValidationError: " or "".</summary>
    public string Prefix { get; } = "";

    public string Message => _message ??= Prefix + Render();

    public override string ToString() => Message;

    internal ValidationError WithPrefix(string prefix)
    {
        Invariant.Assert(Prefix.Length == 0);
        Invariant.Assert(prefix.EndsWith(": ", StringComparison.Ordinal));
        return new ValidationError(this, prefix);
    }

    /// <summary>The backend's path line content ("Path: .a.b"), or nothing at the top level.</summary>
    private string PathText => Path.Length == 0 ? "" : "Path: " + Path;

    private string Render() => Kind switch
    {
        ValidationErrorKind.NoMatch =>
            $"Value does not match validator.\n{PathText}\nValue: {ShowValue()}\nValidator: {_validator}",
        ValidationErrorKind.LiteralMismatch =>
            $"`{ShowValue()}` does not match literal validator `{_validator}`.{PathText}",
        ValidationErrorKind.TableNameMismatch =>
            $"Found ID \"{StringValue()}\" from table `{_detail}`, which does not match the table name in validator " +
            $"`{_validator}`.{PathText}",
        ValidationErrorKind.SystemTableReference =>
            $"Found ID \"{StringValue()}\" from a system table, which does not match the table name in validator " +
            $"`{_validator}`.{PathText}",
        ValidationErrorKind.MissingRequiredField =>
            $"Object is missing the required field `{_detail}`. Consider wrapping the field validator in " +
            $"`v.optional(...)` if this is expected.\n{PathText}\nObject: {ShowValue()}\nValidator: {_validator}",
        ValidationErrorKind.ExtraField =>
            $"Object contains extra field `{_detail}` that is not in the validator.\n{PathText}\n" +
            $"Object: {ShowValue()}\nValidator: {_validator}",
        ValidationErrorKind.ArgumentCount =>
            $"Expected to receive a single object as the function's argument. Instead received {_detail} " +
            $"arguments: {ShowValue()}",
        ValidationErrorKind.ArgumentNotObject =>
            $"Expected to receive an object as the function's argument. Instead received: {ShowValue()}",
    };

    private string ShowValue() =>
        ValueDisplay.Value(_value ?? Invariant.Unreachable<ConvexValue>("this kind of error carries its value"));

    private string StringValue() => _value is ConvexString s
        ? s.Value
        : Invariant.Unreachable<string>("ID errors carry the ID string");
}
