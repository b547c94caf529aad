namespace Convex.Sim.Core.Validators;

/// <summary>A validator with no parameters: null, float64, int64, commitTs, boolean, string, bytes or any.</summary>
public sealed class ScalarValidator : Validator
{
    internal ScalarValidator(ValidatorKind kind)
    {
        Invariant.Assert(IsScalar(kind));
        Kind = kind;
    }

    public override ValidatorKind Kind { get; }

    internal static bool IsScalar(ValidatorKind kind) => kind switch
    {
        ValidatorKind.Null or ValidatorKind.Float64 or ValidatorKind.Int64 or ValidatorKind.CommitTs
            or ValidatorKind.Boolean or ValidatorKind.String or ValidatorKind.Bytes or ValidatorKind.Any => true,
        ValidatorKind.Literal or ValidatorKind.Id or ValidatorKind.Array or ValidatorKind.Record
            or ValidatorKind.Object or ValidatorKind.Union => false,
    };
}
