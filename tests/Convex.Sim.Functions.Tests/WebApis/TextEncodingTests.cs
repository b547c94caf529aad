using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class TextEncodingTests
{
    private static int[] Ints(System.Text.Json.JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.GetInt32())];

    [Fact]
    public async Task TextEncoder_encodes_utf8_into_a_Uint8Array()
    {
        var value = await EvalAsync("""
            (() => { const bytes = new TextEncoder().encode("héllo");
              return { bytes: Array.from(bytes), isU8: bytes instanceof Uint8Array,
                encoding: new TextEncoder().encoding }; })()
            """);
        Assert.Equal([104, 195, 169, 108, 108, 111], Ints(value.GetProperty("bytes")));
        Assert.True(value.GetProperty("isU8").GetBoolean());
        Assert.Equal("utf-8", value.GetProperty("encoding").GetString());
    }

    [Fact]
    public async Task TextEncoder_handles_astral_characters_lone_surrogates_and_no_argument()
    {
        var value = await EvalAsync("""
            [Array.from(new TextEncoder().encode("€😀")), Array.from(new TextEncoder().encode("a\uD800b")),
             new TextEncoder().encode().length, Array.from(new TextEncoder().encode(12))]
            """);
        Assert.Equal([0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80], Ints(value[0]));
        Assert.Equal([0x61, 0xEF, 0xBF, 0xBD, 0x62], Ints(value[1]));
        Assert.Equal(0, value[2].GetInt32());
        Assert.Equal([0x31, 0x32], Ints(value[3]));
    }

    [Fact]
    public async Task EncodeInto_writes_whole_characters_that_fit_and_reports_read_and_written()
    {
        var value = await EvalAsync("""
            (() => { const dest = new Uint8Array(5); const r = new TextEncoder().encodeInto("a€😀", dest);
              const view = new Uint8Array(new ArrayBuffer(8), 2, 3);
              const r2 = new TextEncoder().encodeInto("xyzw", view);
              return [r.read, r.written, Array.from(dest), r2.read, r2.written,
                Array.from(new Uint8Array(view.buffer))]; })()
            """);
        Assert.Equal(2, value[0].GetInt32());
        Assert.Equal(4, value[1].GetInt32());
        Assert.Equal([0x61, 0xE2, 0x82, 0xAC, 0], Ints(value[2]));
        Assert.Equal(3, value[3].GetInt32());
        Assert.Equal(3, value[4].GetInt32());
        Assert.Equal([0, 0, 120, 121, 122, 0, 0, 0], Ints(value[5]));
    }

    [Fact]
    public async Task TextDecoder_decodes_every_buffer_source()
    {
        var value = await EvalAsync("""
            (() => { const d = new TextDecoder(); const bytes = new Uint8Array([0, 104, 195, 169, 0]);
              return [d.decode(bytes.subarray(1, 4)), d.decode(bytes.buffer.slice(1, 4)),
                d.decode(new DataView(bytes.buffer, 1, 3)),
                d.decode(new Uint16Array([0x6968])), d.decode(), d.encoding, d.fatal, d.ignoreBOM]; })()
            """);
        Assert.Equal("hé", value[0].GetString());
        Assert.Equal("hé", value[1].GetString());
        Assert.Equal("hé", value[2].GetString());
        Assert.Equal("hi", value[3].GetString());
        Assert.Equal("", value[4].GetString());
        Assert.Equal("utf-8", value[5].GetString());
        Assert.False(value[6].GetBoolean());
        Assert.False(value[7].GetBoolean());
    }

    [Fact]
    public async Task TextDecoder_replaces_invalid_bytes_and_strips_the_bom_unless_asked()
    {
        var value = await EvalAsync("""
            [new TextDecoder().decode(new Uint8Array([0x61, 0xFF, 0xC3, 0x62])),
             new TextDecoder().decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x61])),
             new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x61])).length,
             new TextDecoder(" UTF8 ").encoding]
            """);
        Assert.Equal("a\uFFFD\uFFFDb", value[0].GetString());
        Assert.Equal("a", value[1].GetString());
        Assert.Equal(2, value[2].GetInt32());
        Assert.Equal("utf-8", value[3].GetString());
    }

    [Fact]
    public async Task TextDecoder_streams_a_character_split_across_chunks()
    {
        var value = await EvalAsync("""
            (() => { const d = new TextDecoder();
              const a = d.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0xE2, 0x82]), { stream: true });
              const b = d.decode(new Uint8Array([0xAC, 0x21]), { stream: true });
              const c = d.decode(new Uint8Array([0xE2]));
              return [a, b, c]; })()
            """);
        Assert.Equal("", value[0].GetString());
        Assert.Equal("€!", value[1].GetString());
        Assert.Equal("\uFFFD", value[2].GetString());
    }

    [Fact]
    public async Task A_fatal_TextDecoder_throws_a_TypeError_on_malformed_input()
    {
        var error = await ErrorAsync("new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xC3]));");
        Assert.Equal("Uncaught TypeError: The encoded data was not valid for encoding utf-8", error);
    }

    [Fact]
    public async Task TextDecoder_refuses_other_encodings_and_bad_input()
    {
        Assert.Equal("Uncaught RangeError: The encoding label provided ('nope') is invalid.",
            await ErrorAsync("new TextDecoder('nope');"));
        Assert.Equal("Uncaught RangeError: The encoding 'latin1' is not supported yet by Convex.Sim (only utf-8 is)",
            await ErrorAsync("new TextDecoder('latin1');"));
        Assert.StartsWith("Uncaught TypeError: Failed to execute 'decode' on 'TextDecoder'",
            await ErrorAsync("new TextDecoder().decode('text');"));
        Assert.StartsWith("Uncaught TypeError: Failed to execute 'encodeInto' on 'TextEncoder'",
            await ErrorAsync("new TextEncoder().encodeInto('x', new Uint16Array(2));"));
        Assert.Equal("Uncaught TypeError: Constructor TextEncoder requires 'new'", await ErrorAsync("TextEncoder();"));
        Assert.Equal(
            "Uncaught TypeError: Illegal invocation", await ErrorAsync("TextDecoder.prototype.decode.call({});"));
    }
}
