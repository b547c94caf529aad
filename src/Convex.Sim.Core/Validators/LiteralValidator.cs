using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// <c>v.literal(x)</c>: matches exactly <see cref="Value"/> under the value model's equality, so
/// <c>1n</c> does not match <c>1</c> and <c>-0</c> does not match <c>0</c>.
/// </summary>
public sealed class LiteralValidator : Validator
{
    internal LiteralValidator(ConvexValue value)
    {
        if (Problem(value) is { } problem)
        {
            throw new ValidatorParseException(problem);
        }

        Value = value;
    }

    public ConvexValue Value { get; }

    public override ValidatorKind Kind => ValidatorKind.Literal;

    /// <summary>
    /// Why <paramref name="value"/> cannot be a literal, or null: only the scalars JS can spell as literals.
    /// </summary>
    internal static string? Problem(ConvexValue value) => value.Kind switch
    {
        ConvexValueKind.Float64 or ConvexValueKind.Int64 or ConvexValueKind.Boolean or ConvexValueKind.String => null,
        ConvexValueKind.Null or ConvexValueKind.Bytes or ConvexValueKind.Array or ConvexValueKind.Object =>
            $"Value {ValueDisplay.Value(value)} is not a valid literal: literals must be a number, bigint, " +
            "boolean or string.",
    };
}
