using System.Collections.Immutable;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// <c>v.object({...})</c>: every required field present, every present field matching its
/// validator, and no field that the validator does not list. Field names are identifiers (the
/// backend's rule for validator keys). Fields are kept in ordinal order, which is also the order in
/// which the backend checks them, so the first error reported is the same.
/// </summary>
public sealed class ObjectValidator : Validator
{
    internal ObjectValidator(ImmutableSortedDictionary<string, FieldValidator> fields)
    {
        Invariant.Assert(fields.KeyComparer == StringComparer.Ordinal);
        foreach (var (name, field) in fields)
        {
            if (FieldNameProblem(name) is { } problem)
            {
                throw new ValidatorParseException(problem);
            }

            Invariant.Assert(field is not null);
        }

        Fields = fields;
    }

    public ImmutableSortedDictionary<string, FieldValidator> Fields { get; }

    public override ValidatorKind Kind => ValidatorKind.Object;

    internal static string? FieldNameProblem(string name) => Identifiers.IsValidIdentifier(name)
        ? null
        : $"Invalid field name \"{name}\" in v.object(): field names in validators must start with a letter or " +
          $"underscore, contain only letters, digits and underscores, and be at most {Identifiers.LengthMax} " +
          "characters long.";
}

/// <summary>An object validator field: its validator and whether it may be missing (<c>v.optional</c>).</summary>
public sealed record FieldValidator(Validator Validator, bool IsOptional)
{
    public static FieldValidator Required(Validator validator) => new(validator, IsOptional: false);

    public static FieldValidator Optional(Validator validator) => new(validator, IsOptional: true);
}
