using System.Buffers.Binary;

namespace Convex.Sim.Core.Ids;

/// <summary>
/// Generates internal ids as the official backend does: 14 random bytes followed by the 2-byte
/// big-endian number of days since the Unix epoch of the creating transaction.
/// </summary>
public static class DocumentIdGenerator
{
    public static DocumentId New(TableNumber table, IRandom random, long unixMilliseconds)
    {
        Invariant.Assert(unixMilliseconds >= 0);
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes[..14]);
        var days = (ushort)Math.Min(ushort.MaxValue, unixMilliseconds / 86_400_000L);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[14..], days);
        return DocumentId.FromInternalIdBytes(table, bytes);
    }
}
