using System.Buffers.Binary;
using System.Text;
using Convex.Sim.Core.Ids;

namespace Convex.Sim.Core.Values;

/// <summary>
/// An order-preserving, self-delimiting binary encoding of tuples of values (index keys), in the
/// spirit of FoundationDB's tuple layer (convex-compat §2.7). Guarantees, checked by property tests:
/// <list type="bullet">
/// <item>unsigned byte order of two encodings equals <see cref="ConvexValueComparer.CompareTuples"/> of
///   the tuples (same length);</item>
/// <item>the encoding of a tuple is a byte prefix of the encoding of any extension of it (with or
///   without an id suffix), so the keys with a given equality prefix form one byte range;</item>
/// <item>distinct tuples have distinct encodings, and no encoding is all 0xFF bytes.</item>
/// </list>
/// Layout: one tag byte per value, in type order (missing lowest); Int64 and Float64 as 8 big-endian
/// bytes with the sign bit flipped (floats first mapped to their IEEE total-order integer);
/// booleans as one byte; strings (UTF-8) and bytes with 0x00 escaped as 0x00 0xFF and terminated by
/// 0x00; arrays as their elements then 0x00; objects as (0x01, escaped name, value) per field then
/// 0x00. The terminators sort below every tag, so a shorter container sorts first. An id suffix is
/// a tag above all value tags, the table number (4 bytes) and the 16 internal-id bytes, big-endian.
/// Encoding sizes the key exactly first and then writes it, so it allocates only the result.
/// </summary>
public static class IndexKeyCodec
{
    internal const byte Missing = 0x01;
    internal const byte Null = 0x02;
    internal const byte Int64 = 0x03;
    internal const byte Float64 = 0x04;
    internal const byte Boolean = 0x05;
    internal const byte String = 0x06;
    internal const byte Bytes = 0x07;
    internal const byte Array = 0x08;
    internal const byte Object = 0x09;
    internal const byte Id = 0x0A;
    internal const byte End = 0x00;
    internal const byte FieldMarker = 0x01;
    internal const byte Escape = 0xFF;
    internal const ulong SignBit = 1UL << 63;
    private const int IdLength = 1 + 4 + 16;

    public static byte[] Encode(IReadOnlyList<ConvexValue?> values)
    {
        var key = new byte[LengthOf(values)];
        var written = WriteAll(values, key);
        Invariant.Assert(written == key.Length);
        return key;
    }

    /// <summary>The key of <paramref name="values"/> followed by the document id (the last component).</summary>
    public static byte[] Encode(IReadOnlyList<ConvexValue?> values, DocumentId id)
    {
        var key = new byte[LengthOf(values) + IdLength];
        var n = WriteAll(values, key);
        key[n++] = Id;
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(n), id.Table.Value);
        BinaryPrimitives.WriteUInt128BigEndian(key.AsSpan(n + 4), id.InternalId);
        Invariant.Assert(n + 4 + 16 == key.Length);
        return key;
    }

    /// <summary>Decodes a key made by <see cref="Encode(IReadOnlyList{ConvexValue?})"/>.</summary>
    public static IReadOnlyList<ConvexValue?> Decode(ReadOnlySpan<byte> key)
    {
        var reader = new IndexKeyReader(key);
        var values = new List<ConvexValue?>();
        while (!reader.AtEnd)
        {
            values.Add(reader.ReadComponent());
        }

        return values;
    }

    /// <summary>Decodes a key made by <see cref="Encode(IReadOnlyList{ConvexValue?}, DocumentId)"/>.</summary>
    public static (IReadOnlyList<ConvexValue?> Values, DocumentId Id) DecodeWithId(ReadOnlySpan<byte> key)
    {
        if (key.Length < IdLength || key[^IdLength] != Id)
        {
            throw new InvalidValueException("Invalid index key: it has no document id suffix.");
        }

        var values = Decode(key[..^IdLength]);
        var suffix = key[^IdLength..];
        var table = new TableNumber(BinaryPrimitives.ReadUInt32BigEndian(suffix[1..]));
        return (values, new DocumentId(table, BinaryPrimitives.ReadUInt128BigEndian(suffix[5..])));
    }

    private static int LengthOf(IReadOnlyList<ConvexValue?> values)
    {
        var length = 0;
        for (var i = 0; i < values.Count; i++)
        {
            length += LengthOf(values[i]);
        }

        return length;
    }

    private static int LengthOf(ConvexValue? value)
    {
        switch (value)
        {
            case null or ConvexNull:
                return 1;
            case ConvexInt64 or ConvexFloat64:
                return 1 + 8;
            case ConvexBoolean:
                return 1 + 1;
            case ConvexString s:
                // In UTF-8 a 0x00 byte only comes from U+0000, so escapes are counted on the chars.
                return 1 + Encoding.UTF8.GetByteCount(s.Value) + s.Value.AsSpan().Count('\0') + 1;
            case ConvexBytes b:
                return 1 + b.Value.Length + b.Value.Span.Count(End) + 1;
            case ConvexArray array:
                var arrayLength = 1 + 1;
                foreach (var item in array.Items)
                {
                    arrayLength += LengthOf(item);
                }

                return arrayLength;
            case ConvexObject obj:
                var objectLength = 1 + 1;
                foreach (var (name, field) in obj.Fields)
                {
                    objectLength += 1 + Encoding.UTF8.GetByteCount(name) + name.AsSpan().Count('\0') + 1;
                    objectLength += LengthOf(field);
                }

                return objectLength;
            default:
                return Invariant.Unreachable<int>("unknown value kind");
        }
    }

    private static int WriteAll(IReadOnlyList<ConvexValue?> values, Span<byte> key)
    {
        var n = 0;
        for (var i = 0; i < values.Count; i++)
        {
            n += Write(values[i], key[n..]);
        }

        return n;
    }

    private static int Write(ConvexValue? value, Span<byte> key)
    {
        switch (value)
        {
            case null:
                key[0] = Missing;
                return 1;
            case ConvexNull:
                key[0] = Null;
                return 1;
            case ConvexInt64 i:
                key[0] = Int64;
                BinaryPrimitives.WriteUInt64BigEndian(key[1..], (ulong)i.Value ^ SignBit);
                return 9;
            case ConvexFloat64 f:
                key[0] = Float64;
                BinaryPrimitives.WriteUInt64BigEndian(key[1..], 
                    (ulong)ConvexValueComparer.TotalOrderKey(f.Value) ^ SignBit);
                return 9;
            case ConvexBoolean b:
                key[0] = Boolean;
                key[1] = b.Value ? (byte)1 : (byte)0;
                return 2;
            case ConvexString s:
                key[0] = String;
                return 1 + WriteEscapedText(s.Value, key[1..]);
            case ConvexBytes bytes:
                key[0] = Bytes;
                return 1 + WriteEscaped(bytes.Value.Span, key[1..]);
            case ConvexArray array:
                key[0] = Array;
                var n = 1;
                foreach (var item in array.Items)
                {
                    n += Write(item, key[n..]);
                }

                key[n] = End;
                return n + 1;
            case ConvexObject obj:
                return WriteObject(obj, key);
            default:
                return Invariant.Unreachable<int>("unknown value kind");
        }
    }


    private static int WriteObject(ConvexObject obj, Span<byte> key)
    {
        key[0] = Object;
        var n = 1;
        foreach (var (name, field) in obj.Fields)
        {
            key[n++] = FieldMarker;
            n += WriteEscapedText(name, key[n..]);
            n += Write(field, key[n..]);
        }

        key[n] = End;
        return n + 1;
    }

    private static int WriteEscapedText(string text, Span<byte> key)
    {
        // Encode in place, then escape the (rare) NUL bytes by shifting the tail right.
        var length = Encoding.UTF8.GetBytes(text, key);
        var zeros = text.AsSpan().Count('\0');
        if (zeros == 0)
        {
            key[length] = End;
            return length + 1;
        }

        var source = length - 1;
        var destination = length + zeros - 1;
        while (source >= 0)
        {
            var b = key[source--];
            if (b == End)
            {
                key[destination--] = Escape;
            }

            key[destination--] = b;
        }

        Invariant.Assert(destination == -1);
        key[length + zeros] = End;
        return length + zeros + 1;
    }

    private static int WriteEscaped(ReadOnlySpan<byte> bytes, Span<byte> key)
    {
        var n = 0;
        foreach (var b in bytes)
        {
            key[n++] = b;
            if (b == End)
            {
                key[n++] = Escape;
            }
        }

        key[n] = End;
        return n + 1;
    }
}
