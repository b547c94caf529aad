using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;

namespace Convex.Sim.Database.Indexing;

/// <summary>
/// Computes the byte key of a document in an index (convex-compat §7.4): by_id keys are the
/// internal id (the table is implied by the index); by_creation_time is [_creationTime, _id];
/// a declared index [f1..fn] is [f1..fn, _creationTime, _id], with missing fields encoded as
/// "missing" (lowest). Keys are produced by the order-preserving <see cref="IndexKeyCodec"/>.
/// </summary>
public static class IndexKeys
{
    public const string IdField = "_id";
    public const string CreationTimeField = "_creationTime";

    public static byte[] KeyOf(IndexInfo index, DocumentId id, ConvexObject document)
    {
        Invariant.Assert(index.Table == id.Table);
        return index.Kind switch
        {
            IndexKind.ById => id.InternalIdBytes(),
            IndexKind.ByCreationTime => IndexKeyCodec.Encode([CreationTime(document)], id),
            IndexKind.User => IndexKeyCodec.Encode(UserValues(index, document), id),
        };
    }

    /// <summary>The point range that a by_id read of <paramref name="id"/> covers.</summary>
    public static Storage.KeyRange PointById(DocumentId id)
    {
        var key = id.InternalIdBytes();
        return new Storage.KeyRange(key, Storage.KeySuccessor.Immediate(key));
    }

    private static ConvexValue CreationTime(ConvexObject document)
    {
        var value = document[CreationTimeField];
        Invariant.Assert(value is ConvexFloat64);
        return value!;
    }

    private static ConvexValue?[] UserValues(IndexInfo index, ConvexObject document)
    {
        var values = new ConvexValue?[index.Fields.Length + 1];
        for (var i = 0; i < index.Fields.Length; i++)
        {
            values[i] = index.Fields[i].GetFrom(document);
        }

        values[^1] = CreationTime(document);
        return values;
    }
}
