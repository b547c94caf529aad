namespace Convex.Sim.Core.Values;

/// <summary>
/// Identifier rules for table names, index names and function export names (convex-compat §2.3):
/// at most 64 characters; first an ASCII letter or '_'; then letters, digits or '_'; not only
/// underscores. Names starting with '_' are reserved for the system.
/// </summary>
public static class Identifiers
{
    public const int LengthMax = 64;

    public static bool IsValidIdentifier(string name)
    {
        if (name.Length == 0 || name.Length > LengthMax)
        {
            return false;
        }

        if (!(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        var allUnderscores = true;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }

            allUnderscores &= c == '_';
        }

        return !allUnderscores;
    }

    public static void ValidateTableName(string name)
    {
        if (!IsValidIdentifier(name))
        {
            throw new InvalidValueException(
                $"Invalid table name: \"{name}\". Identifiers must start with a letter or underscore, contain only " +
                $"letters, digits and underscores, and be at most {LengthMax} characters long.");
        }
    }

    public static void ValidateIndexName(string name)
    {
        if (!IsValidIdentifier(name))
        {
            throw new InvalidValueException(
                $"Invalid index name: \"{name}\". Identifiers must start with a letter or underscore, contain only " +
                $"letters, digits and underscores, and be at most {LengthMax} characters long.");
        }

        if (name is "by_id" or "by_creation_time" || name.StartsWith('_'))
        {
            throw new InvalidValueException(
                $"Index name \"{name}\" is reserved. Indexes may not start with an underscore or be named " +
                "\"by_id\" or \"by_creation_time\".");
        }
    }
}
