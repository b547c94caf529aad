namespace Convex.Sim.Core.Validators;

/// <summary><c>v.array(element)</c>: an array whose every element matches <see cref="Element"/>.</summary>
public sealed class ArrayValidator : Validator
{
    internal ArrayValidator(Validator element) => Element = element ?? throw new ArgumentNullException(nameof(element));

    public Validator Element { get; }

    public override ValidatorKind Kind => ValidatorKind.Array;
}
