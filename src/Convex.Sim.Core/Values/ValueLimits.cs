using System.Globalization;

namespace Convex.Sim.Core.Values;

/// <summary>
/// Convex's limits on values and documents (convex-compat §2.3, §2.6, §7.15). Messages follow the
/// official backend's wording, plus where in the value the problem is.
/// Nesting is counted as the backend does: scalars 0, a container 1 + the nesting of its deepest child.
/// </summary>
public static class ValueLimits
{
    public const int DepthMax = 64;
    public const int DocumentDepthMax = 16;
    public const int ArrayLengthMax = 8192;
    public const int ObjectFieldsMax = 1024;
    public const int FieldNameLengthMax = 1024;
    public const long ValueSizeMax = 1L << 25;
    public const long DocumentSizeMax = 1L << 20;

    /// <summary>Checks nesting, array length, field count, field names, Unicode and total size (32 MiB).</summary>
    public static void Validate(ConvexValue value)
    {
        CheckShape(value, new ValuePath(), 1);
        CheckSize(ValueSize.Of(value), ValueSizeMax);
    }

    /// <summary>
    /// Checks a stored document (including its system fields): the value rules, top-level field
    /// names (no '_' prefix except <c>_id</c> and <c>_creationTime</c>), nesting 16, and 1 MiB.
    /// </summary>
    public static void ValidateDocument(ConvexObject document)
    {
        var nesting = CheckShape(document, new ValuePath(), 1);
        foreach (var name in document.Fields.Keys)
        {
            if (name.StartsWith('_') && name is not ("_id" or "_creationTime"))
            {
                throw new InvalidValueException(
                    $"Field '{name}' starts with an underscore, which is only allowed for system fields like '_id'");
            }
        }

        if (nesting > DocumentDepthMax)
        {
            throw new InvalidValueException(
                $"Document is too nested (nested {nesting} levels deep > maximum nesting {DocumentDepthMax})");
        }

        CheckSize(ValueSize.Of(document), DocumentSizeMax);
    }

    /// <summary>Object field names: not starting with '$', non-control ASCII, at most 1024 characters.</summary>
    public static void ValidateFieldName(string name, string path) => CheckFieldName(name, path);

    internal static void CheckFieldName(string name, object where)
    {
        if (name.StartsWith('$'))
        {
            throw new InvalidValueException(
                $"Field name {name} starts with '$', which is reserved (at {Describe(where)}).");
        }

        foreach (var c in name)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new InvalidValueException(
                    $"Field name {Printable(name)} has invalid character {Printable(c)}: Field names can only " +
                    $"contain non-control ASCII characters (at {Describe(where)}).");
            }
        }

        if (name.Length > FieldNameLengthMax)
        {
            throw new InvalidValueException(
                $"Field name is too long ({name.Length} > maximum {FieldNameLengthMax}) (at {Describe(where)}).");
        }
    }

    internal static void CheckArrayLength(int length, ValuePath path)
    {
        if (length > ArrayLengthMax)
        {
            throw new InvalidValueException(
                $"Array length is too long ({length} > maximum length {ArrayLengthMax}) (at {path.Describe()}).");
        }
    }

    internal static void CheckFieldCount(int count, ValuePath path)
    {
        if (count > ObjectFieldsMax)
        {
            throw new InvalidValueException(
                $"Object has too many fields ({count} > maximum number {ObjectFieldsMax}) (at {path.Describe()}).");
        }
    }

    /// <summary><paramref name="depth"/> is the nesting level of a container, 1 for the outermost.</summary>
    internal static void CheckDepth(int depth, ValuePath path)
    {
        if (depth > DepthMax)
        {
            throw new InvalidValueException(
                $"Value is too nested (nested {depth} levels deep > maximum nesting {DepthMax}) " +
                $"(at {path.Describe()}).");
        }
    }

    internal static void CheckString(string value, ValuePath path)
    {
        if (!ConvexJson.IsWellFormed(value))
        {
            throw new InvalidValueException(
                $"String at {path.Describe()} is not valid Unicode: it contains a lone surrogate.");
        }
    }

    internal static void CheckSize(long size, long max)
    {
        if (size > max)
        {
            throw new InvalidValueException(
                $"Value is too large ({FormatSize(size)} > maximum size {FormatSize(max)})");
        }
    }

    /// <summary>A size as the backend's humansize formatting prints it: "1 MiB", "1.10 MiB", "17 B".</summary>
    public static string FormatSize(long bytes)
    {
        Invariant.Assert(bytes >= 0);
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        var scaled = (double)bytes;
        while (scaled >= 1024 && unit + 1 < units.Length)
        {
            scaled /= 1024;
            unit++;
        }

        var number = scaled == Math.Floor(scaled)
            ? scaled.ToString("0", CultureInfo.InvariantCulture)
            : scaled.ToString("0.00", CultureInfo.InvariantCulture);
        return $"{number} {units[unit]}";
    }

    /// <summary>Walks the value checking every rule but size; returns its nesting.</summary>
    private static int CheckShape(ConvexValue value, ValuePath path, int depth)
    {
        switch (value)
        {
            case ConvexString s:
                CheckString(s.Value, path);
                return 0;
            case ConvexArray array:
                CheckDepth(depth, path);
                CheckArrayLength(array.Items.Length, path);
                var arrayNesting = 0;
                for (var i = 0; i < array.Items.Length; i++)
                {
                    path.PushIndex(i);
                    arrayNesting = Math.Max(arrayNesting, CheckShape(array.Items[i], path, depth + 1));
                    path.Pop();
                }

                return arrayNesting + 1;
            case ConvexObject obj:
                CheckDepth(depth, path);
                CheckFieldCount(obj.Fields.Count, path);
                var objectNesting = 0;
                foreach (var (name, field) in obj.Fields)
                {
                    path.PushField(name);
                    CheckFieldName(name, path);
                    objectNesting = Math.Max(objectNesting, CheckShape(field, path, depth + 1));
                    path.Pop();
                }

                return objectNesting + 1;
            default:
                return 0;
        }
    }

    private static string Describe(object where) => where switch
    {
        ValuePath path => path.Describe(),
        string { Length: 0 } => "the top level",
        string text => $"path `{text}`",
        _ => Invariant.Unreachable<string>("a location is a ValuePath or a string"),
    };

    /// <summary>Rust's debug form of a char, as the official message prints it ('\u{1}', 'é').</summary>
    private static string Printable(char c) =>
        c < 0x20 || c == 0x7F ? $"'\\u{{{(int)c:x}}}'" : $"'{c}'";

    private static string Printable(string name)
    {
        var text = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            _ = c < 0x20 || c == 0x7F ? text.Append($"\\u{{{(int)c:x}}}") : text.Append(c);
        }

        return text.ToString();
    }
}
