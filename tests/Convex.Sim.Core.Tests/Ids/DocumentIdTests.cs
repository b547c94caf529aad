using Convex.Sim.Core.Ids;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Convex.Sim.Core.Tests.Ids;

public sealed class DocumentIdTests
{
    [Property(MaxTest = 500)]
    public bool Ids_round_trip(uint table, ulong high, ulong low)
    {
        var id = new DocumentId(new TableNumber(Math.Max(1, table)), new UInt128(high, low));
        var text = DocumentIdCodec.Encode(id);
        return DocumentIdCodec.TryDecode(text, out var back) && back == id && text.Length is >= 31 and <= 37;
    }

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
    public void Generated_ids_end_with_the_day_number()
    {
        var id = DocumentIdGenerator.New(TableNumber.FirstUser, new Prng(7), 86_400_000L * 19_000 + 5);
        var bytes = id.InternalIdBytes();
        Assert.Equal(19_000, (bytes[14] << 8) | bytes[15]);
    }

    [Fact]
    public void Corrupted_or_non_canonical_ids_are_rejected()
    {
        var text = DocumentIdCodec.Encode(DocumentIdGenerator.New(TableNumber.FirstUser, new Prng(1), 0));
        var flipped = text[..10] + (text[10] == '0' ? '1' : '0') + text[11..];
        Assert.False(DocumentIdCodec.TryDecode(flipped, out _));
        Assert.False(DocumentIdCodec.TryDecode(text[..^1], out _));
        Assert.False(DocumentIdCodec.TryDecode(text.ToUpperInvariant(), out _));
        Assert.False(DocumentIdCodec.TryDecode(text[..^1] + "i", out _));
        var e = Assert.Throws<InvalidValueException>(() => DocumentIdCodec.Decode("not-an-id"));
        Assert.Contains("not-an-id", e.Message);
    }

    [Fact]
    public void The_checksum_is_fletcher16_over_varint_and_internal_id()
    {
        // Hand-computed: table 1 (varint 0x01), internal id all zero: c0 = 1, c1 = 17 (1 added 17 times).
        var id = new DocumentId(new TableNumber(1), UInt128.Zero);
        Assert.True(DocumentIdCodec.TryDecode(DocumentIdCodec.Encode(id), out var back));
        Assert.Equal(id, back);
        // 19 bytes: 01, sixteen 00, then the footer 01 11 (0x1101 little-endian), base32 by hand.
        Assert.Equal("0400000000000000000000000000248", DocumentIdCodec.Encode(id));
    }
}
