using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Convex.Sim.Core.Ids;

namespace Convex.Sim.Core.Values;

/// <summary>
/// An order-preserving, self-delimiting binary encoding of tuples of values (index keys), in the
/// spirit of FoundationDB's tuple layer. Guarantees, checked by property tests:
/// <list type="bullet">
/// <item>unsigned byte order of two encodings equals <see cref="ConvexValueComparer.CompareTuples"/> of
///   the tuples (same length);</item>
/// <item>the encoding of a tuple is a byte prefix of the encoding of any extension of it, so the
///   keys with a given equality prefix form one byte range;</item>
/// <item>distinct tuples have distinct encodings, and no encoding is all 0xFF bytes.</item>
/// </list>
/// Layout: one tag byte per value in type order; Int64 and Float64 as 8 big-endian bytes with the
/// sign bit flipped (floats first mapped to their IEEE total-order integer); strings and bytes with
/// 0x00 escaped as 0x00 0xFF and terminated by 0x00; arrays as their elements then 0x00; objects as
/// (0x01, escaped name, value) per field then 0x00. An id suffix is a tag, the table number and
/// the 16 internal-id bytes, all big-endian.
/// </summary>
public static class IndexKeyCodec
{
    private const byte Missing = 0x01;
    private const byte Null = 0x02;
    private const byte Int64 = 0x03;
    private const byte Float64 = 0x04;
    private const byte Boolean = 0x05;
    private const byte String = 0x06;
    private const byte Bytes = 0x07;
    private const byte Array = 0x08;
    private const byte Object = 0x09;
    private const byte Id = 0x0A;
    private const byte End = 0x00;
    private const byte FieldMarker = 0x01;
    private const byte Escape = 0xFF;

    public static byte[] Encode(IReadOnlyList<ConvexValue?> values)
    {
        var buffer = new List<byte>(16 * (values.Count + 1));
        foreach (var value in values)
        {
            Append(buffer, value);
        }

        return [.. buffer];
    }

    public static byte[] Encode(IReadOnlyList<ConvexValue?> values, DocumentId id)
    {
        var buffer = new List<byte>(16 * (values.Count + 2));
        foreach (var value in values)
        {
            Append(buffer, value);
        }

        AppendId(buffer, id);
        return [.. buffer];
    }

    public static IReadOnlyList<ConvexValue?> Decode(ReadOnlySpan<byte> key)
    {
        var values = new List<ConvexValue?>();
        var position = 0;
        while (position < key.Length)
        {
            values.Add(Read(key, ref position));
        }

        return values;
    }

    public static (IReadOnlyList<ConvexValue?> Values, DocumentId Id) DecodeWithId(ReadOnlySpan<byte> key)
    {
        const int idLength = 1 + 4 + 16;
        if (key.Length < idLength || key[^idLength] != Id)
        {
            throw new InvalidValueException("Index key has no document id suffix");
        }

        var values = Decode(key[..^idLength]);
        var suffix = key[^idLength..];
        var table = new TableNumber(BinaryPrimitives.ReadUInt32BigEndian(suffix[1..]));
        return (values, DocumentId.FromInternalIdBytes(table, suffix[5..]));
    }

    private static void Append(List<byte> buffer, ConvexValue? value)
    {
        switch (value)
        {
            case null:
                buffer.Add(Missing);
                break;
            case ConvexNull:
                buffer.Add(Null);
                break;
            case ConvexInt64 i:
                buffer.Add(Int64);
                AppendUInt64(buffer, (ulong)(i.Value ^ long.MinValue));
                break;
            case ConvexFloat64 f:
                buffer.Add(Float64);
                AppendUInt64(buffer, (ulong)(ConvexValueComparer.TotalOrderKey(f.Value) ^ long.MinValue));
                break;
            case ConvexBoolean b:
                buffer.Add(Boolean);
                buffer.Add(b.Value ? (byte)1 : (byte)0);
                break;
            case ConvexString s:
                buffer.Add(String);
                AppendEscaped(buffer, Encoding.UTF8.GetBytes(s.Value));
                break;
            case ConvexBytes bytes:
                buffer.Add(Bytes);
                AppendEscaped(buffer, bytes.Value.Span);
                break;
            case ConvexArray array:
                buffer.Add(Array);
                foreach (var item in array.Items)
                {
                    Append(buffer, item);
                }

                buffer.Add(End);
                break;
            case ConvexObject obj:
                AppendObject(buffer, obj);
                break;
            default:
                Invariant.Unreachable("unknown value kind");
                break;
        }
    }

    private static void AppendObject(List<byte> buffer, ConvexObject obj)
    {
        buffer.Add(Object);
        foreach (var (name, field) in obj.Fields)
        {
            buffer.Add(FieldMarker);
            AppendEscaped(buffer, Encoding.UTF8.GetBytes(name));
            Append(buffer, field);
        }

        buffer.Add(End);
    }

    private static void AppendId(List<byte> buffer, DocumentId id)
    {
        buffer.Add(Id);
        Span<byte> table = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(table, id.Table.Value);
        buffer.AddRange(table);
        buffer.AddRange(id.InternalIdBytes());
    }

    private static void AppendUInt64(List<byte> buffer, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    private static void AppendEscaped(List<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            buffer.Add(b);
            if (b == End)
            {
                buffer.Add(Escape);
            }
        }

        buffer.Add(End);
    }

    private static ConvexValue? Read(ReadOnlySpan<byte> key, ref int position)
    {
        var tag = key[position++];
        switch (tag)
        {
            case Missing:
                return null;
            case Null:
                return ConvexNull.Instance;
            case Int64:
                return new ConvexInt64((long)(ReadUInt64(key, ref position) ^ unchecked((ulong)long.MinValue)));
            case Float64:
                return new ConvexFloat64(FromTotalOrderKey((long)(ReadUInt64(key, ref position) ^ unchecked((ulong)long.MinValue))));
            case Boolean:
                return ConvexBoolean.Of(key[position++] != 0);
            case String:
                return new ConvexString(Encoding.UTF8.GetString(ReadEscaped(key, ref position)));
            case Bytes:
                return new ConvexBytes(ReadEscaped(key, ref position));
            case Array:
                var items = ImmutableArray.CreateBuilder<ConvexValue>();
                while (key[position] != End)
                {
                    items.Add(Read(key, ref position) ?? throw new InvalidValueException("Missing value inside an array key"));
                }

                position++;
                return new ConvexArray(items.ToImmutable());
            case Object:
                return ReadObject(key, ref position);
            default:
                throw new InvalidValueException($"Invalid index key tag 0x{tag:X2}");
        }
    }

    private static ConvexObject ReadObject(ReadOnlySpan<byte> key, ref int position)
    {
        var fields = ImmutableSortedDictionary.CreateBuilder<string, ConvexValue>(StringComparer.Ordinal);
        while (key[position] == FieldMarker)
        {
            position++;
            var name = Encoding.UTF8.GetString(ReadEscaped(key, ref position));
            fields[name] = Read(key, ref position) ?? throw new InvalidValueException("Missing value inside an object key");
        }

        Invariant.Assert(key[position] == End);
        position++;
        return new ConvexObject(fields.ToImmutable());
    }

    private static ulong ReadUInt64(ReadOnlySpan<byte> key, ref int position)
    {
        var value = BinaryPrimitives.ReadUInt64BigEndian(key[position..]);
        position += 8;
        return value;
    }

    private static byte[] ReadEscaped(ReadOnlySpan<byte> key, ref int position)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = key[position++];
            if (b != End)
            {
                bytes.Add(b);
                continue;
            }

            if (position < key.Length && key[position] == Escape)
            {
                bytes.Add(End);
                position++;
                continue;
            }

            return [.. bytes];
        }
    }

    private static double FromTotalOrderKey(long key) =>
        BitConverter.Int64BitsToDouble(key < 0 ? key ^ long.MaxValue : key);
}
