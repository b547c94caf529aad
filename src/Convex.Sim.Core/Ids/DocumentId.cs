namespace Convex.Sim.Core.Ids;

/// <summary>
/// A document ID: the table number plus a 16-byte internal id (14 random bytes followed by the
/// big-endian day number since the Unix epoch of the creating transaction, as the official backend
/// generates them). Its string form is the official base32 format (<see cref="DocumentIdCodec"/>).
/// </summary>
public readonly record struct DocumentId(TableNumber Table, UInt128 InternalId) : IComparable<DocumentId>
{
    public int CompareTo(DocumentId other)
    {
        var c = Table.CompareTo(other.Table);
        return c != 0 ? c : InternalId.CompareTo(other.InternalId);
    }

    /// <summary>The internal id as 16 big-endian bytes (the order used inside index keys).</summary>
    public byte[] InternalIdBytes()
    {
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, InternalId);
        return bytes;
    }

    public static DocumentId FromInternalIdBytes(TableNumber table, ReadOnlySpan<byte> bytes)
    {
        Invariant.Assert(bytes.Length == 16);
        return new DocumentId(table, System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    public override string ToString() => DocumentIdCodec.Encode(this);
}
