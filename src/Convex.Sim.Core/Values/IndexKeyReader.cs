using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using static Convex.Sim.Core.Values.IndexKeyCodec;

namespace Convex.Sim.Core.Values;

/// <summary>
/// Reads the components of an <see cref="IndexKeyCodec"/> key. Keys come from our own storage, but
/// a damaged or truncated one must fail as <see cref="InvalidValueException"/>, never as an index
/// out of range or a silently different value: every read is bounds-checked and every byte that the
/// encoder could not have produced is rejected.
/// </summary>
internal ref struct IndexKeyReader(ReadOnlySpan<byte> key)
{
    private readonly ReadOnlySpan<byte> _key = key;
    private int _position;

    public readonly bool AtEnd => _position == _key.Length;

    /// <summary>One top-level component: a value, or null for "missing".</summary>
    public ConvexValue? ReadComponent() => Next() == IndexKeyCodec.Missing ? null : ReadValue(_key[_position - 1]);

    private ConvexValue ReadValue(byte tag)
    {
        switch (tag)
        {
            case IndexKeyCodec.Null:
                return ConvexNull.Instance;
            case IndexKeyCodec.Int64:
                return new ConvexInt64((long)(ReadUInt64() ^ SignBit));
            case IndexKeyCodec.Float64:
                return new ConvexFloat64(FromTotalOrderKey((long)(ReadUInt64() ^ SignBit)));
            case IndexKeyCodec.Boolean:
                var b = Next();
                return b <= 1 ? ConvexBoolean.Of(b == 1) : throw Invalid($"boolean byte 0x{b:X2}");
            case IndexKeyCodec.String:
                return new ConvexString(ReadText());
            case IndexKeyCodec.Bytes:
                return new ConvexBytes(ReadEscaped());
            case IndexKeyCodec.Array:
                return ReadArray();
            case IndexKeyCodec.Object:
                return ReadObject();
            default:
                throw Invalid($"tag 0x{tag:X2}");
        }
    }

    private ConvexArray ReadArray()
    {
        var items = ImmutableArray.CreateBuilder<ConvexValue>();
        while (Peek() != End)
        {
            var tag = Next();
            items.Add(tag == IndexKeyCodec.Missing ? throw Invalid("missing value inside an array") : ReadValue(tag));
        }

        _position++;
        return new ConvexArray(items.ToImmutable());
    }

    private ConvexObject ReadObject()
    {
        var fields = ImmutableSortedDictionary.CreateBuilder<string, ConvexValue>(StringComparer.Ordinal);
        string? previous = null;
        while (Peek() != End)
        {
            if (Next() != FieldMarker)
            {
                throw Invalid("object field marker");
            }

            var name = ReadText();
            if (previous is not null && string.CompareOrdinal(previous, name) >= 0)
            {
                throw Invalid("object fields out of order");
            }

            var tag = Next();
            var value = tag == IndexKeyCodec.Missing ? throw Invalid("missing value inside an object") : ReadValue(tag);
            fields.Add(name, value);
            previous = name;
        }

        _position++;
        return new ConvexObject(fields.ToImmutable());
    }

    private ulong ReadUInt64()
    {
        if (_key.Length - _position < 8)
        {
            throw Invalid("truncated number");
        }

        var value = BinaryPrimitives.ReadUInt64BigEndian(_key[_position..]);
        _position += 8;
        return value;
    }

    private string ReadText()
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadEscaped());
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("string that is not UTF-8");
        }
    }

    /// <summary>Reads an escaped, 0x00-terminated byte string (0x00 0xFF stands for 0x00).</summary>
    private byte[] ReadEscaped()
    {
        var start = _position;
        var escapes = 0;
        int end;
        while (true)
        {
            end = _key[start..].IndexOf(End);
            if (end < 0)
            {
                throw Invalid("unterminated string");
            }

            // Continue past every escaped 0x00 until the terminating one.
            var terminator = start + end;
            if (terminator + 1 < _key.Length && _key[terminator + 1] == Escape)
            {
                escapes++;
                start = terminator + 2;
                continue;
            }

            end = terminator;
            break;
        }

        var bytes = new byte[end - _position - escapes];
        var n = 0;
        for (var i = _position; i < end; i++)
        {
            bytes[n++] = _key[i];
            if (_key[i] == End)
            {
                i++;
            }
        }

        Invariant.Assert(n == bytes.Length);
        _position = end + 1;
        return bytes;
    }

    private byte Next()
    {
        var b = Peek();
        _position++;
        return b;
    }

    private readonly byte Peek() => _position < _key.Length ? _key[_position] : throw Invalid("truncated key");

    private static double FromTotalOrderKey(long key) =>
        BitConverter.Int64BitsToDouble(key < 0 ? key ^ long.MaxValue : key);

    private static InvalidValueException Invalid(string what) => new($"Invalid index key: unexpected {what}.");
}
