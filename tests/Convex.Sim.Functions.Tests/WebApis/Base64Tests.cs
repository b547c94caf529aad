using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class Base64Tests
{
    [Theory]
    [InlineData("hi", "aGk=")]
    [InlineData("", "")]
    [InlineData("hello", "aGVsbG8=")]
    [InlineData("\u00ff\u0000\u0080", "/wCA")]
    public async Task Btoa_encodes_latin1_strings(string text, string expected)
    {
        var value = await EvalAsync($"btoa({System.Text.Json.JsonSerializer.Serialize(text)})");
        Assert.Equal(expected, value.GetString());
    }

    [Theory]
    [InlineData("aGk=", "hi")]
    [InlineData("aGk", "hi")]
    [InlineData(" aG\nk = ", "hi")]
    [InlineData("aGVsbG8=", "hello")]
    [InlineData("/wCA", "\u00ff\u0000\u0080")]
    [InlineData("YR==", "a")]
    [InlineData("", "")]
    public async Task Atob_is_forgiving_base64_decode(string encoded, string expected)
    {
        var value = await EvalAsync($"atob({System.Text.Json.JsonSerializer.Serialize(encoded)})");
        Assert.Equal(expected, value.GetString());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("aGk==")]
    [InlineData("aG=k")]
    [InlineData("aGk*")]
    [InlineData("a===")]
    public async Task Atob_refuses_malformed_input_with_an_InvalidCharacterError(string encoded)
    {
        var value = await EvalAsync($$"""
            (() => { try { atob({{System.Text.Json.JsonSerializer.Serialize(encoded)}}); return null; }
              catch (e) { return [e.name, e.code, e instanceof DOMException, e instanceof Error, e.message]; } })()
            """);
        Assert.Equal("InvalidCharacterError", value[0].GetString());
        Assert.Equal(5, value[1].GetInt32());
        Assert.True(value[2].GetBoolean());
        Assert.True(value[3].GetBoolean());
        Assert.Equal(
            "Failed to execute 'atob': The string to be decoded is not correctly encoded.", value[4].GetString());
    }

    [Fact]
    public async Task Btoa_refuses_characters_above_latin1_and_the_failure_names_the_exception()
    {
        var error = await ErrorAsync("btoa('€');");
        Assert.Equal(
            "Uncaught InvalidCharacterError: Failed to execute 'btoa': The string to be encoded contains characters " +
            "outside of the Latin1 range.", error);
    }

    [Fact]
    public async Task Missing_arguments_are_a_TypeError()
    {
        Assert.Equal("Uncaught TypeError: Failed to execute 'atob': 1 argument required, but only 0 present.",
            await ErrorAsync("atob();"));
    }

    [Fact]
    public async Task DOMException_can_be_constructed_and_subclassed_by_scripts()
    {
        var value = await EvalAsync("""
            (() => { const e = new DOMException("m", "AbortError"); const d = new DOMException();
              class Mine extends DOMException {} const m = new Mine("x", { name: "DataCloneError" });
              return [e.name, e.message, e.code, d.name, d.message, d.code, Object.prototype.toString.call(e),
                m instanceof Mine, m.code, DOMException.ABORT_ERR]; })()
            """);
        Assert.Equal("""["AbortError","m",20,"Error","",0,"[object DOMException]",true,25,20]""", value.GetRawText());
    }
}
