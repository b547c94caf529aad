namespace Convex.Sim.Core.Ids;

// PLACEHOLDER: replaced by the values/IDs work (official base32 format, convex-compat §2.8).
public static class DocumentIdCodec
{
    public static string Encode(DocumentId id) => throw new NotSupportedException($"{id.Table}");
}
