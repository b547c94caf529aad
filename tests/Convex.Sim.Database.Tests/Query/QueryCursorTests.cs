using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Query;

namespace Convex.Sim.Database.Tests.Query;

public sealed class QueryCursorTests
{
    [Fact]
    public void After_cursors_round_trip()
    {
        var cursor = QueryCursor.After(0x0102030405060708, [0xAA, 0x00, 0xFF]);

        var text = cursor.Encode();
        var decoded = QueryCursor.Decode(text);

        // version 1, kind 1 (after), fingerprint big-endian, key: base64url without padding.
        Assert.Equal("AQEBAgMEBQYHCKoA_w", text);
        Assert.False(decoded.IsEnd);
        Assert.Equal(0x0102030405060708UL, decoded.Fingerprint);
        Assert.Equal([0xAA, 0x00, 0xFF], decoded.AfterKey.ToArray());
    }

    [Fact]
    public void End_cursors_round_trip()
    {
        var text = QueryCursor.End(42).Encode();
        var decoded = QueryCursor.Decode(text);

        Assert.Equal("AQIAAAAAAAAAKg", text);
        Assert.True(decoded.IsEnd);
        Assert.Equal(42UL, decoded.Fingerprint);
    }

    [Theory]
    [InlineData("AgIAAAAAAAAAKg")]      // version 2
    [InlineData("AQMAAAAAAAAAKg")]      // kind 3
    [InlineData("AQIAAAAAAAAAKgA")]     // end with a key
    [InlineData("AQEAAAAAAAAAKg")]      // after without a key
    [InlineData("AQIAAAAAAAAA")]        // too short
    [InlineData("not base64!")]
    public void Malformed_cursors(string text)
    {
        var error = Assert.Throws<DatabaseUsageException>(() => QueryCursor.Decode(text));

        Assert.Equal("InvalidCursor", error.Code);
        Assert.StartsWith("InvalidCursor: ", error.Message);
    }

    [Fact]
    public void A_cursor_for_another_fingerprint_is_rejected()
    {
        var error = Assert.Throws<DatabaseUsageException>(() => QueryCursor.DecodeFor(QueryCursor.End(1).Encode(), 2));

        Assert.StartsWith("InvalidCursor: Tried to run a query starting from a cursor", error.Message);
        Assert.True(QueryCursor.DecodeFor(QueryCursor.End(1).Encode(), 1).IsEnd);
    }
}
