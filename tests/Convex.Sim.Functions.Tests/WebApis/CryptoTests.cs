using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class CryptoTests
{
    private const string NotInteger = "The provided ArrayBufferView is not an integer array type";

    [Fact]
    public async Task GetRandomValues_fills_the_view_from_the_host_bytes_and_returns_it()
    {
        var value = await EvalAsync("""
            (() => { const a = new Uint8Array(4); const same = crypto.getRandomValues(a) === a;
              const buf = new ArrayBuffer(8); const part = new Uint16Array(buf, 2, 2); crypto.getRandomValues(part);
              return [same, Array.from(a), Array.from(new Uint8Array(buf))]; })()
            """);
        Assert.Equal("[true,[0,1,2,3],[0,0,4,5,6,7,0,0]]", value.GetRawText());
    }

    [Fact]
    public async Task GetRandomValues_accepts_every_integer_array_and_the_full_quota()
    {
        var value = await EvalAsync("""
            [Int8Array, Uint8ClampedArray, Int16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array]
              .map((T) => crypto.getRandomValues(new T(2)).length)
              .concat([crypto.getRandomValues(new Uint8Array(65536)).length])
            """);
        Assert.Equal("[2,2,2,2,2,2,2,65536]", value.GetRawText());
    }

    [Theory]
    [InlineData("new Float64Array(2)", "TypeMismatchError", NotInteger)]
    [InlineData("new Float32Array(2)", "TypeMismatchError", NotInteger)]
    [InlineData("new DataView(new ArrayBuffer(2))", "TypeMismatchError", NotInteger)]
    [InlineData("new Uint8Array(65537)", "QuotaExceededError",
        "Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (65537) exceeds the " +
        "number of bytes of entropy available via this API (65536).")]
    public async Task GetRandomValues_refuses_float_views_and_more_than_64_KiB(
        string array, string name, string message)
    {
        var value = await EvalAsync($$"""
            (() => { try { crypto.getRandomValues({{array}}); return null; }
              catch (e) { return [e.name, e.message]; } })()
            """);
        Assert.Equal(name, value[0].GetString());
        Assert.Equal(message, value[1].GetString());
    }

    [Fact]
    public async Task GetRandomValues_of_a_non_view_is_a_TypeError()
    {
        Assert.StartsWith("Uncaught TypeError: Failed to execute 'getRandomValues' on 'Crypto'",
            await ErrorAsync("crypto.getRandomValues([1, 2]);"));
    }

    [Fact]
    public async Task RandomUUID_is_a_version_4_uuid_of_the_host_bytes()
    {
        var value = await EvalAsync("[crypto.randomUUID(), crypto.randomUUID()]");
        Assert.Equal("00010203-0405-4607-8809-0a0b0c0d0e0f", value[0].GetString());
        Assert.Equal("10111213-1415-4617-9819-1a1b1c1d1e1f", value[1].GetString());
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_values_and_another_seed_does_not()
    {
        const string Module = """
            export function run() {
              return [crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint8Array(3)))];
            }
            """;
        var first = await RunAsync(Module, byteSeed: 7);
        var second = await RunAsync(Module, byteSeed: 7);
        var other = await RunAsync(Module, byteSeed: 8);
        Assert.Equal(first.Value.GetRawText(), second.Value.GetRawText());
        Assert.NotEqual(first.Value.GetRawText(), other.Value.GetRawText());
        Assert.Equal("""["0708090a-0b0c-4d0e-8f10-111213141516",[23,24,25]]""", first.Value.GetRawText());
    }

    [Fact]
    public async Task Subtle_exists_but_every_operation_rejects_as_not_supported()
    {
        var value = await EvalAsync("""
            (async () => { const kinds = [typeof crypto.subtle, typeof crypto.subtle.digest];
              try { await crypto.subtle.digest("SHA-256", new Uint8Array(1)); } catch (e) { kinds.push(e.message); }
              return kinds; })()
            """);
        Assert.Equal(
            """["object","function","crypto.subtle.digest is not supported yet by Convex.Sim """ +
            """(see docs/compatibility.md)"]""",
            value.GetRawText());
    }

    [Fact]
    public async Task Crypto_and_subtle_cannot_be_constructed()
    {
        Assert.Equal("Uncaught TypeError: Illegal constructor", await ErrorAsync("new crypto.constructor();"));
        Assert.Equal("Uncaught TypeError: Illegal invocation", await ErrorAsync("crypto.randomUUID.call({});"));
    }
}
