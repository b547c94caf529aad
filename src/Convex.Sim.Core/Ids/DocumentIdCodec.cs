using System.Buffers.Binary;

namespace Convex.Sim.Core.Ids;

/// <summary>
/// The official document ID string format (convex-compat §2.8; backend <c>id_v6.rs</c>, <c>base32.rs</c>):
/// the bytes <c>varint(table number) ‖ 16-byte internal id ‖ footer</c>, where the footer is the
/// Fletcher-16 checksum of what precedes it XOR version 0, little-endian; written in lowercase base32
/// with the alphabet <c>0123456789abcdefghjkmnpqrstvwxyz</c>, big-endian bit packing, no padding.
/// Decoding checks the length (31..37 characters), the alphabet, the varint, the checksum, and that
/// re-encoding gives the same string. The last check is stricter than the backend: it rejects
/// non-canonical spellings (non-zero padding bits, an over-long varint), so that every ID has one
/// string and string equality is ID equality.
/// </summary>
public static class DocumentIdCodec
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int InternalIdLength = 16;
    private const int FooterLength = 2;
    private const int VarintLengthMax = 5;
    private const int BinaryLengthMax = VarintLengthMax + InternalIdLength + FooterLength;
    private const int EncodedLengthMin = 31;
    private const int EncodedLengthMax = 37;
    private const ushort Version = 0;
    private static readonly sbyte[] Digits = BuildDigits();

    public static string Encode(DocumentId id)
    {
        Invariant.Assert(id.Table.Value != 0);
        Span<byte> bytes = stackalloc byte[BinaryLengthMax];
        var length = WriteVarint(bytes, id.Table.Value);
        BinaryPrimitives.WriteUInt128BigEndian(bytes[length..], id.InternalId);
        length += InternalIdLength;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[length..], (ushort)(Fletcher16(bytes[..length]) ^ Version));
        length += FooterLength;
        Span<char> chars = stackalloc char[EncodedLengthMax];
        chars = chars[..EncodedLength(length)];
        Base32Encode(bytes[..length], chars);
        return new string(chars);
    }

    public static bool TryDecode(string text, out DocumentId id) => Parse(text, out id) is null;

    /// <summary>Decodes an ID string or throws <see cref="InvalidValueException"/> saying why it is not one.</summary>
    public static DocumentId Decode(string text) => Parse(text, out var id) is { } reason
        ? throw new InvalidValueException($"Invalid ID \"{Shorten(text)}\": {reason}.")
        : id;

    /// <summary>Returns null on success, else the reason the text is not an ID.</summary>
    private static string? Parse(string text, out DocumentId id)
    {
        id = default;

        // Check the length first, so that rejecting a huge string costs nothing.
        if (text.Length is < EncodedLengthMin or > EncodedLengthMax)
        {
            return $"invalid length {text.Length} (expected between {EncodedLengthMin} and {EncodedLengthMax})";
        }

        Span<byte> bytes = stackalloc byte[text.Length * 5 / 8];
        if (Base32Decode(text, bytes) is { } bad)
        {
            return $"invalid character '{text[bad]}' at position {bad}";
        }

        if (!TryReadVarint(bytes, out var table, out var varintLength))
        {
            return "invalid table number";
        }

        if (table == 0)
        {
            return "table number 0";
        }

        if (bytes.Length != varintLength + InternalIdLength + FooterLength)
        {
            return $"invalid length {text.Length} for its table number";
        }

        var body = bytes[..(varintLength + InternalIdLength)];
        if (BinaryPrimitives.ReadUInt16LittleEndian(bytes[body.Length..]) != (ushort)(Fletcher16(body) ^ Version))
        {
            return "checksum mismatch";
        }

        id = new DocumentId(new TableNumber(table), BinaryPrimitives.ReadUInt128BigEndian(body[varintLength..]));
        if (Encode(id) != text)
        {
            id = default;
            return "not in canonical form";
        }

        return null;
    }

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

    /// <summary>LEB128: 7 bits per byte, lowest group first, high bit set on all but the last byte.</summary>
    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        Invariant.Assert(i <= VarintLengthMax);
        return i;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, out uint value, out int length)
    {
        value = 0;
        for (length = 0; length < VarintLengthMax && length < bytes.Length; length++)
        {
            var b = bytes[length];
            value |= (uint)(b & 0x7F) << (7 * length);
            if (b < 0x80)
            {
                length++;

                // A fifth byte carries bits 28..34 of which a uint has only 28..31.
                return length < VarintLengthMax || b <= 0x0F;
            }
        }

        return false;
    }

    /// <summary>Characters for n bytes: 8 per 5 bytes, and 2/4/5/7 for a trailing group of 1/2/3/4.</summary>
    private static int EncodedLength(int byteCount) => ((byteCount * 8) + 4) / 5;

    private static void Base32Encode(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var bitBuffer = 0;
        var bitCount = 0;
        var n = 0;
        foreach (var b in bytes)
        {
            bitBuffer = ((bitBuffer << 8) | b) & 0xFFFF;
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
    }

    /// <summary>Decodes into <paramref name="bytes"/> (length × 5 / 8 of them); returns a bad index, if any.</summary>
    private static int? Base32Decode(string text, Span<byte> bytes)
    {
        var bitBuffer = 0;
        var bitCount = 0;
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var digit = c < 128 ? Digits[c] : (sbyte)-1;
            if (digit < 0)
            {
                return i;
            }

            bitBuffer = ((bitBuffer << 5) | (byte)digit) & 0xFFFF;
            bitCount += 5;
            if (bitCount >= 8)
            {
                // Bits beyond the last whole byte are padding; the canonical-form check rejects non-zero ones.
                bytes[n++] = (byte)(bitBuffer >> (bitCount - 8));
                bitCount -= 8;
            }
        }

        Invariant.Assert(n == bytes.Length);
        return null;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

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
