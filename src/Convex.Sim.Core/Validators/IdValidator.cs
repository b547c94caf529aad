using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// <c>v.id("table")</c>: a string that decodes as a document ID (§2.8) whose table number the
/// caller's <see cref="TableNameLookup"/> maps to <see cref="TableName"/>.
/// </summary>
public sealed class IdValidator : Validator
{
    internal IdValidator(string tableName)
    {
        if (Problem(tableName) is { } problem)
        {
            throw new ValidatorParseException(problem);
        }

        TableName = tableName;
    }

    public string TableName { get; }

    public override ValidatorKind Kind => ValidatorKind.Id;

    internal static string? Problem(string tableName) => Identifiers.IsValidIdentifier(tableName)
        ? null
        : $"Invalid table name \"{tableName}\" in v.id(): table names must start with a letter or underscore, " +
          $"contain only letters, digits and underscores, and be at most {Identifiers.LengthMax} characters long.";
}
