using System.Globalization;

namespace Convex.Sim.Core.Values;

/// <summary>
/// Convex's limits on values and documents (convex-compat §2.3, §2.6, §7.15), with messages that say
/// what is wrong, where, and the limit.
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

    /// <summary>Checks depth, array length, field count, field names and total size.</summary>
    public static void Validate(ConvexValue value)
    {
        CheckShape(value, "", 1, DepthMax);
        CheckSize(value, ValueSizeMax, "Value");
    }

    /// <summary>Checks a stored document: value rules, top-level field rules, nesting 16, 1 MiB.</summary>
    public static void ValidateDocument(ConvexObject document)
    {
        foreach (var name in document.Fields.Keys)
        {
            if (name.StartsWith('_') && name is not ("_id" or "_creationTime"))
            {
                throw new InvalidValueException(
                    $"Field '{name}' starts with an underscore, which is only allowed for system fields (_id, _creationTime).");
            }
        }

        CheckShape(document, "", 1, DocumentDepthMax);
        CheckSize(document, DocumentSizeMax, "Value");
    }

    public static void ValidateFieldName(string name, string path)
    {
        if (name.Length > FieldNameLengthMax)
        {
            throw new InvalidValueException(
                $"Field name at {ConvexJson.Where(path)} is too long ({name.Length} > maximum {FieldNameLengthMax} characters).");
        }

        if (name.StartsWith('$'))
        {
            throw new InvalidValueException($"Field name {name} at {ConvexJson.Where(path)} starts with a '$', which is reserved.");
        }

        foreach (var c in name)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new InvalidValueException(
                    $"Field name at {ConvexJson.Where(path)} has a character that is not printable ASCII (U+{(int)c:X4}).");
            }
        }
    }

    private static void CheckShape(ConvexValue value, string path, int depth, int depthMax)
    {
        if (depth > depthMax)
        {
            throw new InvalidValueException(
                $"Value is too nested (depth > maximum {depthMax}) at {ConvexJson.Where(path)}.");
        }

        switch (value)
        {
            case ConvexString s when !ConvexJson.IsWellFormed(s.Value):
                throw new InvalidValueException($"String at {ConvexJson.Where(path)} is not valid Unicode (lone surrogate).");
            case ConvexArray array:
                if (array.Items.Length > ArrayLengthMax)
                {
                    throw new InvalidValueException(
                        $"Array at {ConvexJson.Where(path)} has {array.Items.Length} elements (maximum {ArrayLengthMax}).");
                }

                for (var i = 0; i < array.Items.Length; i++)
                {
                    CheckShape(array.Items[i], $"{path}[{i}]", depth + 1, depthMax);
                }

                break;
            case ConvexObject obj:
                if (obj.Fields.Count > ObjectFieldsMax)
                {
                    throw new InvalidValueException(
                        $"Object at {ConvexJson.Where(path)} has {obj.Fields.Count} fields (maximum {ObjectFieldsMax}).");
                }

                foreach (var (name, field) in obj.Fields)
                {
                    var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
                    ValidateFieldName(name, fieldPath);
                    CheckShape(field, fieldPath, depth + 1, depthMax);
                }

                break;
        }
    }

    private static void CheckSize(ConvexValue value, long max, string what)
    {
        var size = ValueSize.Of(value);
        if (size > max)
        {
            throw new InvalidValueException(
                $"{what} is too large ({Mib(size)} MiB > maximum size {Mib(max)} MiB).");
        }
    }

    private static string Mib(long bytes)
    {
        var mib = bytes / (double)(1 << 20);
        return mib == Math.Floor(mib)
            ? mib.ToString("0", CultureInfo.InvariantCulture)
            : mib.ToString("0.00", CultureInfo.InvariantCulture);
    }
}
