using System.Collections.Immutable;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Errors;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Indexing;

/// <summary>One side of a range on the field after the equality prefix.</summary>
public readonly record struct RangeBound(ConvexValue? Value, bool Inclusive);

/// <summary>
/// A range over an index in the shape <c>withIndex</c> allows (convex-compat §7.4): equalities on a
/// prefix of the index fields, then optionally a lower and/or upper bound on the next field.
/// Values are C# null for "missing". The implicit <c>_creationTime</c> field may be constrained too.
/// </summary>
public sealed record IndexRange(ImmutableArray<ConvexValue?> Equalities, RangeBound? Lower, RangeBound? Upper)
{
    public static readonly IndexRange All = new([], null, null);

    public static IndexRange Eq(params ConvexValue?[] values) => new([.. values], null, null);

    /// <summary>
    /// The byte interval of keys inside this range. Relies on the codec's prefix property: the
    /// encoding of (v1..vk) is a byte prefix of the encoding of every key that starts with v1..vk.
    /// </summary>
    public KeyRange ToKeyRange(IndexInfo index)
    {
        var fieldCount = index.Kind switch
        {
            IndexKind.ById => throw new DatabaseUsageException("InvalidIndexRange",
                "Index ranges over by_id are not supported; use db.get"),
            IndexKind.ByCreationTime => 1,
            IndexKind.User => index.Fields.Length + 1,
        };
        var boundCount = Lower is null && Upper is null ? 0 : 1;
        if (Equalities.Length + boundCount > fieldCount)
        {
            throw new DatabaseUsageException("InvalidIndexRange",
                $"Index range on {index.Name} constrains {Equalities.Length + boundCount} fields, " +
                $"but the index has {fieldCount}");
        }

        var prefix = Equalities.ToArray();
        var start = Lower is { } lo ? BoundKey(prefix, lo, isLower: true) : IndexKeyCodec.Encode(prefix);
        // The codec never emits an all-0xFF key, so a lower bound always has a successor.
        Core.Invariant.Assert(start is not null);
        var end = Upper is { } hi ? BoundKey(prefix, hi, isLower: false) : KeySuccessor.PrefixEnd(IndexKeyCodec.Encode(prefix));
        return new KeyRange(start!, end);
    }

    private static byte[]? BoundKey(ConvexValue?[] prefix, RangeBound bound, bool isLower)
    {
        var key = IndexKeyCodec.Encode([.. prefix, bound.Value]);
        // Keys equal to the bound on this field all start with `key`; PrefixEnd skips past them.
        var skipEqual = isLower ? !bound.Inclusive : bound.Inclusive;
        return skipEqual ? KeySuccessor.PrefixEnd(key) : key;
    }
}
