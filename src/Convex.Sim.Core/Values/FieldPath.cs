using System.Collections.Immutable;

namespace Convex.Sim.Core.Values;

/// <summary>A dot-separated path into a document (<c>author.name</c>), as index fields and filters use.</summary>
public sealed record FieldPath
{
    private FieldPath(ImmutableArray<string> parts)
    {
        Invariant.Assert(parts.Length > 0);
        Parts = parts;
    }

    public ImmutableArray<string> Parts { get; }

    public static FieldPath Parse(string path)
    {
        var parts = path.Split('.');
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                throw new InvalidValueException($"Invalid field path \"{path}\": empty component.");
            }

            ValueLimits.ValidateFieldName(part, path);
        }

        return new FieldPath([.. parts]);
    }

    /// <summary>The value at this path, or null ("missing") if any step is absent or not an object.</summary>
    public ConvexValue? GetFrom(ConvexObject document)
    {
        ConvexValue? current = document;
        foreach (var part in Parts)
        {
            if (current is not ConvexObject obj)
            {
                return null;
            }

            current = obj[part];
        }

        return current;
    }

    public bool Equals(FieldPath? other) => other is not null && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode()
    {
        var hash = new StableHash();
        foreach (var part in Parts)
        {
            hash.Add(part.AsSpan());
        }

        return hash.ToInt32();
    }

    public override string ToString() => string.Join('.', Parts);
}
