using System.Collections.Immutable;
using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.Execution;

/// <summary>One requested change of <c>update_environment_variables</c>: set a value, or delete when null.</summary>
public sealed record EnvironmentVariableChange(string Name, string? Value);

/// <summary>
/// A deployment's user environment variables (convex-compat §7.13), sorted by name. Immutable: an
/// update builds a new set, validated as Convex validates it (name rules, value and total sizes, the
/// count limit, built-in names). Failures are <see cref="ConvexException"/>s with Convex's codes.
/// </summary>
public sealed class EnvironmentVariables
{
    /// <summary>Convex's <c>MAX_NAME_LENGTH</c>.</summary>
    public const int NameLengthMax = 256;

    /// <summary>Convex's <c>MAX_VALUE_LENGTH</c>, in UTF-8 bytes (the size of an HTTP header).</summary>
    public const int ValueSizeBytesMax = 8 * 1024;

    /// <summary>Convex's <c>ENV_VAR_LIMIT</c> default.</summary>
    public const int CountMax = 512;

    /// <summary>Convex's <c>ENV_VAR_TOTAL_SIZE_LIMIT</c> default: names plus values, in UTF-8 bytes.</summary>
    public const int TotalSizeBytesMax = 512 * 1024;

    /// <summary>Always present and set by the deployment itself; users cannot override them.</summary>
    public static readonly ImmutableArray<string> BuiltInNames = ["CONVEX_CLOUD_URL", "CONVEX_SITE_URL"];

    private readonly ImmutableSortedDictionary<string, string> _values;

    private EnvironmentVariables(ImmutableSortedDictionary<string, string> values)
    {
        Invariant.Assert(values.KeyComparer == StringComparer.Ordinal);
        Invariant.Assert(values.Count <= CountMax);
        _values = values;
    }

    public static EnvironmentVariables Empty { get; } =
        new(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal));

    public int Count => _values.Count;

    /// <summary>Name and value pairs in ordinal name order.</summary>
    public IEnumerable<KeyValuePair<string, string>> Entries => _values;

    /// <summary>Builds a set from stored pairs, checking every rule (a damaged file fails loudly).</summary>
    /// <exception cref="ConvexException">A name or value breaks a rule.</exception>
    public static EnvironmentVariables From(IEnumerable<KeyValuePair<string, string>> pairs) =>
        Empty.Apply([.. pairs.Select(p => new EnvironmentVariableChange(p.Key, p.Value))]);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>
    /// The set after <paramref name="changes"/>, applied in order (a later change of a name wins), or
    /// the first rule broken. Deleting a name that is not set is not an error.
    /// </summary>
    /// <exception cref="ConvexException">A name or value breaks a rule, or the set would exceed a limit.</exception>
    public EnvironmentVariables Apply(IReadOnlyList<EnvironmentVariableChange> changes)
    {
        var builder = _values.ToBuilder();
        foreach (var change in changes)
        {
            CheckName(change.Name);
            if (change.Value is null)
            {
                builder.Remove(change.Name);
                continue;
            }

            CheckValue(change.Value);
            if (BuiltInNames.Contains(change.Name))
            {
                throw new ConvexException("EnvVarNameForbidden",
                    $"Environment variable with name \"{change.Name}\" is built-in and cannot be overridden");
            }

            builder[change.Name] = change.Value;
        }

        if (builder.Count > CountMax)
        {
            throw new ConvexException("EnvVarLimitMet",
                $"The environment variable limit ({CountMax}) has been met.");
        }

        var total = builder.Sum(p => Encoding.UTF8.GetByteCount(p.Key) + Encoding.UTF8.GetByteCount(p.Value));
        if (total > TotalSizeBytesMax)
        {
            throw new ConvexException("EnvVarTotalSizeLimitMet",
                $"The total size of all environment variables ({total} bytes) exceeds the limit " +
                $"({TotalSizeBytesMax} bytes).");
        }

        return new EnvironmentVariables(builder.ToImmutable());
    }

    /// <summary>Convex's name rule: <c>^[a-zA-Z_]+[a-zA-Z0-9_]*$</c>, at most 256 characters.</summary>
    /// <exception cref="ConvexException">The name is invalid or too long.</exception>
    public static void CheckName(string name)
    {
        var valid = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        if (!valid)
        {
            throw new ConvexException("EnvironmentVariableNameInvalid",
                $"The environment variable name {name} is invalid. Environment variable names must begin with " +
                "a letter and may only include characters a-z, A-Z, 0-9, and underscores.");
        }

        if (name.Length > NameLengthMax)
        {
            throw new ConvexException("EnvironmentVariableNameTooLong",
                $"The environment variable name {name} is too long. Environment variable names must be less " +
                $"than {NameLengthMax}.");
        }
    }

    /// <exception cref="ConvexException">The value is larger than 8 KiB in UTF-8.</exception>
    public static void CheckValue(string value)
    {
        var size = Encoding.UTF8.GetByteCount(value);
        if (size > ValueSizeBytesMax)
        {
            throw new ConvexException("EnvironmentVariableValueTooLarge",
                $"The environment variable value is {size} bytes, which is too large. " +
                $"(max size: {ValueSizeBytesMax})");
        }
    }
}
