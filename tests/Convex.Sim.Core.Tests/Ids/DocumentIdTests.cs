using Convex.Sim.Core.Ids;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Convex.Sim.Core.Tests.Ids;

public sealed class DocumentIdTests
{
    /// <summary>
    /// The official stability vector (backend <c>id_v6.rs</c> test_document_id_stability and the
    /// id-encoding npm package's test): table 1017, internal id bytes 251, 251², 251³, … mod 256.
    /// </summary>
    private const string OfficialVector = "z43zp6c3e75gkmz1kfwj6mbbx5sw281h";

    private static byte[] OfficialInternalId()
    {
        var bytes = new byte[16];
        bytes[0] = 251;
        for (var i = 1; i < 16; i++)
        {
            bytes[i] = (byte)(bytes[i - 1] * 251 % 256);
        }

        return bytes;
    }

    private static string Rejection(string text) =>
        Assert.Throws<InvalidValueException>(() => DocumentIdCodec.Decode(text)).Message;

    [Fact]
    public void The_official_vector_decodes_and_encodes()
    {
        var id = DocumentIdCodec.Decode(OfficialVector);
        Assert.Equal(new TableNumber(1017), id.Table);
        Assert.Equal(OfficialInternalId(), id.InternalIdBytes());
        var expected = DocumentId.FromInternalIdBytes(new TableNumber(1017), OfficialInternalId());
        Assert.Equal(OfficialVector, DocumentIdCodec.Encode(expected));
    }

    [Property(MaxTest = 500)]
    public bool Ids_round_trip(uint table, ulong high, ulong low)
    {
        var id = new DocumentId(new TableNumber(Math.Max(1, table)), new UInt128(high, low));
        var text = DocumentIdCodec.Encode(id);
        return DocumentIdCodec.TryDecode(text, out var back) && back == id && text.Length is >= 31 and <= 37;
    }

    [Property(MaxTest = 200)]
    public bool Corrupting_one_character_is_detected(ulong high, ulong low, byte position, byte shift)
    {
        // Fletcher-16 catches every single-character change; the re-encoding check catches the rest.
        var text = DocumentIdCodec.Encode(new DocumentId(TableNumber.FirstUser, new UInt128(high, low)));
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        var i = position % text.Length;
        var replacement = alphabet[(alphabet.IndexOf(text[i], StringComparison.Ordinal) + 1 + (shift % 31)) % 32];
        var corrupted = string.Concat(text.AsSpan(0, i), replacement.ToString(), text.AsSpan(i + 1));
        return !DocumentIdCodec.TryDecode(corrupted, out _);
    }

    [Theory]
    [InlineData(1u, 31)]
    [InlineData(127u, 31)]
    [InlineData(128u, 32)]
    [InlineData(10001u, 32)]
    [InlineData(16383u, 32)]
    [InlineData(16384u, 34)]
    [InlineData(2097151u, 34)]
    [InlineData(2097152u, 36)]
    [InlineData(uint.MaxValue, 37)]
    public void The_length_depends_on_the_varint_width(uint table, int length) =>
        Assert.Equal(length, DocumentIdCodec.Encode(new DocumentId(new TableNumber(table), UInt128.MaxValue)).Length);

    [Fact]
    public void A_user_table_id_is_32_lowercase_base32_characters()
    {
        var id = DocumentIdGenerator.New(TableNumber.FirstUser, new Prng(7), 1_700_000_000_000);
        var text = DocumentIdCodec.Encode(id);
        Assert.Equal(32, text.Length);
        Assert.Matches("^[0-9a-hjkmnp-tv-z]+$", text);
        Assert.Equal(TableNumber.FirstUser, DocumentIdCodec.Decode(text).Table);
    }

    [Fact]
    public void Generated_ids_are_fourteen_random_bytes_then_the_day_number()
    {
        var a = DocumentIdGenerator.New(TableNumber.FirstUser, new Prng(7), (86_400_000L * 19_000) + 5);
        var b = DocumentIdGenerator.New(TableNumber.FirstUser, new Prng(8), (86_400_000L * 19_000) + 86_399_999);
        var bytes = a.InternalIdBytes();
        Assert.Equal(19_000, (bytes[14] << 8) | bytes[15]);
        Assert.Equal(bytes[14..], b.InternalIdBytes()[14..]);
        Assert.NotEqual(bytes[..14], b.InternalIdBytes()[..14]);
        Assert.Equal(a, DocumentIdGenerator.New(TableNumber.FirstUser, new Prng(7), (86_400_000L * 19_000) + 5));
    }

    [Fact]
    public void The_checksum_is_fletcher16_over_varint_and_internal_id()
    {
        // Hand-computed: table 1 (varint 0x01), internal id all zero: c0 = 1, c1 = 17 (1 added 17 times).
        // 19 bytes: 01, sixteen 00, then the footer 0x1101 little-endian (01 11), in base32 by hand.
        var id = new DocumentId(new TableNumber(1), UInt128.Zero);
        Assert.Equal("0400000000000000000000000000248", DocumentIdCodec.Encode(id));
        Assert.Equal(id, DocumentIdCodec.Decode("0400000000000000000000000000248"));
    }

    [Fact]
    public void Invalid_ids_are_rejected_with_the_reason()
    {
        Assert.Equal("Invalid ID \"not-an-id\": invalid length 9 (expected between 31 and 37).",
            Rejection("not-an-id"));
        Assert.Equal("Invalid ID \"0400000000000000000000000000258\": checksum mismatch.",
            Rejection("0400000000000000000000000000258"));
        Assert.Equal("Invalid ID \"0400000000000000000000000000I48\": invalid character 'I' at position 28.",
            Rejection("0400000000000000000000000000I48"));
        Assert.Equal(
            "Invalid ID \"" + OfficialVector.ToUpperInvariant() + "\": invalid character 'Z' at position 0.",
            Rejection(OfficialVector.ToUpperInvariant()));
        Assert.Equal($"Invalid ID \"{OfficialVector}000\": invalid length 35 for its table number.",
            Rejection(OfficialVector + "000"));
        Assert.False(DocumentIdCodec.TryDecode(OfficialVector[..^1], out _));
        Assert.False(DocumentIdCodec.TryDecode(new string('0', 32), out _));
        Assert.False(DocumentIdCodec.TryDecode(new string('z', 10_000), out _));
    }

    [Fact]
    public void The_official_regression_string_is_rejected_without_crashing()
    {
        // Looks like an ID with a one-byte table number, but the varint takes two bytes.
        Assert.False(DocumentIdCodec.TryDecode("sssswsgggggggggsgcsssfafffsffks", out _));
    }

    [Fact]
    public void Non_canonical_spellings_are_rejected()
    {
        // 19 bytes are 152 bits; 31 characters hold 155, so the last character has 2 data bits and 3
        // padding bits. "248" ends in '8' = 01 000; '9' = 01 001 and 'a' = 01 010 only set padding bits,
        // so they decode to the same bytes (valid checksum) but are not the canonical spelling.
        Assert.Equal("Invalid ID \"0400000000000000000000000000249\": not in canonical form.",
            Rejection("0400000000000000000000000000249"));
        Assert.Equal("Invalid ID \"040000000000000000000000000024a\": not in canonical form.",
            Rejection("040000000000000000000000000024a"));

        // A trailing character that adds no whole byte decodes to the same bytes too.
        Assert.Equal($"Invalid ID \"{OfficialVector}0\": not in canonical form.", Rejection(OfficialVector + "0"));
    }
}
