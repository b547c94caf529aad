using System.Buffers.Binary;
using Convex.Sim.Core;

namespace Convex.Sim.Sync.Protocol;

/// <summary>
/// Timestamps on the wire (<c>ts</c>, <c>maxObservedTimestamp</c>): the base64 of the 8 bytes of
/// the u64, little-endian (the client's <c>u64ToLong</c> is <c>Long.fromBytesLE</c>).
/// </summary>
public static class TimestampEncoding
{
    public static string Encode(Timestamp ts)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ts.Value);
        var encoded = Convert.ToBase64String(bytes);
        Invariant.Assert(encoded.Length == 12);
        return encoded;
    }

    /// <exception cref="ProtocolException">Not the base64 of exactly 8 bytes.</exception>
    public static Timestamp Decode(string encoded)
    {
        Span<byte> bytes = stackalloc byte[9];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written) || written != 8)
        {
            throw new ProtocolException($"Invalid timestamp \"{encoded}\": expected the base64 of 8 bytes");
        }

        var value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Invariant.Assert(written == 8);
        return new Timestamp(value);
    }
}
