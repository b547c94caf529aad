using System.Buffers.Binary;

namespace Convex.Sim.Core.Ids;

/// <summary>
/// The official document ID string format (convex-compat §2.8): the bytes
/// <c>varint(table number) ‖ 16-byte internal id ‖ Fletcher-16 footer (little-endian, XOR version 0)</c>,
/// written in lowercase base32 with the alphabet <c>0123456789abcdefghjkmnpqrstvwxyz</c>, big-endian bit
/// packing and no padding. Decoding checks the length, the alphabet, the checksum, and that
/// re-encoding gives the same string (rejecting non-canonical spellings).
/// </summary>
public static class DocumentIdCodec
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int InternalIdLength = 16;
    private const int EncodedLengthMin = 31;
    private const int EncodedLengthMax = 37;
    private static readonly sbyte[] Digits = BuildDigits();

    public static string Encode(DocumentId id)
    {
        Invariant.Assert(id.Table.Value != 0);
        Span<byte> bytes = stackalloc byte[5 + InternalIdLength + 2];
        var length = WriteVarint(bytes, id.Table.Value);
        BinaryPrimitives.WriteUInt128BigEndian(bytes[length..], id.InternalId);
        length += InternalIdLength;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[length..], Fletcher16(bytes[..length]));
        length += 2;
        return Base32Encode(bytes[..length]);
    }

    public static bool TryDecode(string text, out DocumentId id)
    {
        id = default;
        if (text.Length is < EncodedLengthMin or > EncodedLengthMax || !TryBase32Decode(text, out var bytes))
        {
            return false;
        }

        if (!TryReadVarint(bytes, out var table, out var varintLength) || table == 0)
        {
            return false;
        }

        if (bytes.Length != varintLength + InternalIdLength + 2)
        {
            return false;
        }

        var body = bytes.AsSpan(0, varintLength + InternalIdLength);
        if (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body.Length)) != Fletcher16(body))
        {
            return false;
        }

        id = new DocumentId(new TableNumber(table), BinaryPrimitives.ReadUInt128BigEndian(body[varintLength..]));
        return Encode(id) == text;
    }

    public static DocumentId Decode(string text) => TryDecode(text, out var id)
        ? id
        : throw new InvalidValueException($"Invalid ID: \"{text}\" is not a valid Convex document ID.");

    private static ushort Fletcher16(ReadOnlySpan<byte> data)
    {
        byte c0 = 0, c1 = 0;
        foreach (var b in data)
        {
            c0 = unchecked((byte)(c0 + b));
            c1 = unchecked((byte)(c1 + c0));
        }

        return (ushort)((c1 << 8) | c0);
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            destination[i++] = value != 0 ? (byte)(b | 0x80) : b;
        }
        while (value != 0);

        return i;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, out uint value, out int length)
    {
        value = 0;
        for (length = 0; length < 5 && length < bytes.Length; length++)
        {
            var b = bytes[length];
            value |= (uint)(b & 0x7F) << (7 * length);
            if ((b & 0x80) == 0)
            {
                length++;
                return length == 5 ? b <= 0x0F : true;
            }
        }

        return false;
    }

    private static string Base32Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[((bytes.Length * 8) + 4) / 5];
        var bitBuffer = 0;
        var bitCount = 0;
        var n = 0;
        foreach (var b in bytes)
        {
            bitBuffer = (bitBuffer << 8) | b;
            bitCount += 8;
            while (bitCount >= 5)
            {
                chars[n++] = Alphabet[(bitBuffer >> (bitCount - 5)) & 31];
                bitCount -= 5;
            }
        }

        if (bitCount > 0)
        {
            chars[n++] = Alphabet[(bitBuffer << (5 - bitCount)) & 31];
        }

        Invariant.Assert(n == chars.Length);
        return new string(chars);
    }

    private static bool TryBase32Decode(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length * 5 / 8];
        var bitBuffer = 0;
        var bitCount = 0;
        var n = 0;
        foreach (var c in text)
        {
            var digit = c < 128 ? Digits[c] : (sbyte)-1;
            if (digit < 0)
            {
                return false;
            }

            bitBuffer = (bitBuffer << 5) | (byte)digit;
            bitCount += 5;
            if (bitCount >= 8)
            {
                bytes[n++] = (byte)(bitBuffer >> (bitCount - 8));
                bitCount -= 8;
            }
        }

        return n == bytes.Length;
    }

    private static sbyte[] BuildDigits()
    {
        var digits = new sbyte[128];
        System.Array.Fill(digits, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            digits[Alphabet[i]] = (sbyte)i;
        }

        return digits;
    }
}
