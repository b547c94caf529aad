using System.Collections.Immutable;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// <c>v.union(...)</c>: matches when any member matches. An empty union matches nothing. A
/// one-member union reports its member's own error, as the backend does; otherwise a failure is a
/// plain "does not match" naming the whole union.
/// </summary>
public sealed class UnionValidator : Validator
{
    internal UnionValidator(ImmutableArray<Validator> members)
    {
        Invariant.Assert(!members.IsDefault);
        Invariant.Assert(members.All(m => m is not null));
        Members = members;
    }

    public ImmutableArray<Validator> Members { get; }

    public override ValidatorKind Kind => ValidatorKind.Union;
}
