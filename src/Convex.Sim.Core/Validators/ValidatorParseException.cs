namespace Convex.Sim.Core.Validators;

/// <summary>
/// Validator JSON (or a validator built in code) is malformed: unknown type, missing or mistyped
/// key, bad literal, bad table or field name, or a record rule broken. The message says what and,
/// for parsed JSON, where (a JSON path such as <c>$.value.author.fieldType</c>).
/// </summary>
public sealed class ValidatorParseException : ConvexException
{
    public ValidatorParseException(string message) : base("InvalidValidator", message) { }

    public ValidatorParseException(string code, string message) : base(code, message) { }
}
