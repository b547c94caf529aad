using System.Text.Json;
using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class UrlTests
{
    private const string Fields = """
        const f = (u) => ({ href: u.href, origin: u.origin, protocol: u.protocol, username: u.username,
          password: u.password, host: u.host, hostname: u.hostname, port: u.port, pathname: u.pathname,
          search: u.search, hash: u.hash });
        """;

    private static async Task<JsonElement> FieldsOf(string url, string? baseUrl = null)
    {
        var args = JsonSerializer.Serialize(url) + (baseUrl is null ? "" : ", " + JsonSerializer.Serialize(baseUrl));
        return (await RunAsync(Fields + $"export function run() {{ return f(new URL({args})); }}")).Value;
    }

    private static async Task<string> HrefAsync(string url, string? baseUrl = null) =>
        (await FieldsOf(url, baseUrl)).GetProperty("href").GetString()!;

    [Fact]
    public async Task An_absolute_url_is_split_into_its_parts()
    {
        var u = await FieldsOf("https://a.b:8080/p/q?x=1#h");
        Assert.Equal("https://a.b:8080/p/q?x=1#h", u.GetProperty("href").GetString());
        Assert.Equal("https://a.b:8080", u.GetProperty("origin").GetString());
        Assert.Equal("https:", u.GetProperty("protocol").GetString());
        Assert.Equal("a.b:8080", u.GetProperty("host").GetString());
        Assert.Equal("a.b", u.GetProperty("hostname").GetString());
        Assert.Equal("8080", u.GetProperty("port").GetString());
        Assert.Equal("/p/q", u.GetProperty("pathname").GetString());
        Assert.Equal("?x=1", u.GetProperty("search").GetString());
        Assert.Equal("#h", u.GetProperty("hash").GetString());
        Assert.Equal("", u.GetProperty("username").GetString());
        Assert.Equal("", u.GetProperty("password").GetString());
    }

    [Theory]
    [InlineData("HTTP://EXAMPLE.com:80/a/./b/../c", "http://example.com/a/c")]
    [InlineData("https://h:443", "https://h/")]
    [InlineData("  http:\\\\h\\a\\b  ", "http://h/a/b")]
    [InlineData("ht\ntp://h/x\ty", "http://h/xy")]
    [InlineData("https://user:p%20w@h/", "https://user:p%20w@h/")]
    [InlineData("https://a@b@h/", "https://a%40b@h/")]
    [InlineData("https://h/ä?ä#ä", "https://h/%C3%A4?%C3%A4#%C3%A4")]
    [InlineData("https://h/?a'b c", "https://h/?a%27b%20c")]
    [InlineData("foo://h/?a'b", "foo://h/?a'b")]
    [InlineData("https://h/a/%2e%2E/b/%2e", "https://h/b/")]
    [InlineData("http://0x7f.1/", "http://127.0.0.1/")]
    [InlineData("http://2130706433/", "http://127.0.0.1/")]
    [InlineData("http://0300.0250.1/", "http://192.168.0.1/")]
    [InlineData("http://[0:0:0:0:0:0:0:1]/", "http://[::1]/")]
    [InlineData("http://[2001:DB8::1:0:0:1]:8080", "http://[2001:db8::1:0:0:1]:8080/")]
    [InlineData("http://[::ffff:192.168.0.1]/", "http://[::ffff:c0a8:1]/")]
    [InlineData("https://münchen.de/", "https://xn--mnchen-3ya.de/")]
    [InlineData("file:///C:/a/../b", "file:///C:/b")]
    [InlineData("file://localhost/etc/x", "file:///etc/x")]
    [InlineData("mailto:Someone@Example.com", "mailto:Someone@Example.com")]
    [InlineData("foo://Host/a b?c d#e f", "foo://Host/a%20b?c%20d#e%20f")]
    [InlineData("web+demo:/.//not-a-host/", "web+demo:/.//not-a-host/")]
    [InlineData("https://h/p?", "https://h/p?")]
    [InlineData("file:///C|/x", "file:///C:/x")]
    [InlineData("http://example.com/foo/../../bar", "http://example.com/bar")]
    [InlineData("HTTP://[::1]:80/", "http://[::1]/")]
    [InlineData("foo:///x", "foo:///x")]
    [InlineData("foo:/x", "foo:/x")]
    [InlineData("http://%41.com/", "http://a.com/")]
    [InlineData("http://1.2.3/", "http://1.2.0.3/")]
    [InlineData("http://h/a?b=\u00e9#\u00e9", "http://h/a?b=%C3%A9#%C3%A9")]
    public async Task Urls_parse_and_serialize_as_the_WHATWG_parser_says(string input, string expected)
    {
        Assert.Equal(expected, await HrefAsync(input));
    }

    [Theory]
    [InlineData("../x?y#z", "https://h/a/b/c", "https://h/a/x?y#z")]
    [InlineData("//other/p", "https://h/a", "https://other/p")]
    [InlineData("?q", "https://h/a/b", "https://h/a/b?q")]
    [InlineData("#f", "https://h/a?b", "https://h/a?b#f")]
    [InlineData("/abs", "https://h/a/b", "https://h/abs")]
    [InlineData("", "https://h/a?b#c", "https://h/a?b")]
    [InlineData("x", "file:///C:/dir/file", "file:///C:/dir/x")]
    [InlineData("https:rel", "https://h/a/b", "https://h/a/rel")]
    [InlineData("#frag", "mailto:x", "mailto:x#frag")]
    public async Task Relative_urls_resolve_against_the_base(string input, string baseUrl, string expected)
    {
        Assert.Equal(expected, await HrefAsync(input, baseUrl));
    }

    [Fact]
    public async Task Non_special_urls_have_opaque_hosts_and_paths_and_a_null_origin()
    {
        var mailto = await FieldsOf("mailto:Someone@Example.com");
        Assert.Equal("Someone@Example.com", mailto.GetProperty("pathname").GetString());
        Assert.Equal("null", mailto.GetProperty("origin").GetString());
        Assert.Equal("", mailto.GetProperty("host").GetString());
        var data = await FieldsOf("data:text/plain,hi there");
        Assert.Equal("text/plain,hi there", data.GetProperty("pathname").GetString());
        var blob = await FieldsOf("blob:https://h:1/uuid");
        Assert.Equal("https://h:1", blob.GetProperty("origin").GetString());
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("https://")]
    [InlineData("http://a b/")]
    [InlineData("http://192.168.0.257/")]
    [InlineData("http://1.2.3.4.5/")]
    [InlineData("http://[::1/")]
    [InlineData("http://[1:2:3:4:5:6:7:8:9]/")]
    [InlineData("https://h:65536/")]
    [InlineData("https://h:8o/")]
    [InlineData("http://a%00b/")]
    [InlineData("http://a%2Fb/")]
    [InlineData("http://0x100000000/")]
    [InlineData("http://user@/")]
    public async Task Invalid_urls_throw_Convex_TypeError(string input)
    {
        var error = await ErrorAsync($"new URL({JsonSerializer.Serialize(input)});");
        Assert.Equal($"Uncaught TypeError: Invalid URL: '{input}'", error);
    }

    [Fact]
    public async Task An_invalid_base_is_named_in_the_error()
    {
        Assert.Equal("Uncaught TypeError: Invalid URL: 'nope'", await ErrorAsync("new URL('/x', 'nope');"));
        Assert.Equal("Uncaught TypeError: Invalid URL: 'x'", await ErrorAsync("new URL('x');"));
    }

    [Fact]
    public async Task Setters_update_the_url_as_browsers_do()
    {
        var value = await EvalAsync("""
            (() => { const u = new URL("https://a.b/p?x=1#h"); const out = [];
              u.pathname = "/new path"; out.push(u.href);
              u.search = "?a=b c"; out.push(u.search);
              u.hash = "frag"; out.push(u.hash);
              u.hash = ""; out.push(u.href);
              u.host = "other.org:81"; out.push(u.host);
              u.hostname = "x.y"; out.push(u.host);
              u.port = "443"; out.push(u.port);
              u.port = "8080abc"; out.push(u.port);
              u.port = "99999"; out.push(u.port);
              u.protocol = "http"; out.push(u.href);
              u.protocol = "foo"; out.push(u.protocol);
              u.username = "me"; u.password = "p@ss"; out.push(u.href);
              u.search = ""; out.push(u.href);
              u.href = "https://z/"; out.push(u.host, u.pathname);
              const m = new URL("mailto:x"); m.host = "h"; m.pathname = "y"; out.push(m.href);
              return out; })()
            """);
        Assert.Equal(
            """
            ["https://a.b/new%20path?x=1#h","?a=b%20c","#frag","https://a.b/new%20path?a=b%20c","other.org:81",
            "x.y:81","","8080","8080","http://x.y:8080/new%20path?a=b%20c","http:",
            "http://me:p%40ss@x.y:8080/new%20path?a=b%20c","http://me:p%40ss@x.y:8080/new%20path","z","/","mailto:x"]
            """.Replace("\n", "", StringComparison.Ordinal), value.GetRawText());
    }

    [Fact]
    public async Task Scheme_and_host_setters_keep_the_rules_of_the_url()
    {
        var value = await EvalAsync("""
            (() => { const out = [];
              const u = new URL("http://h:443/"); u.protocol = "https"; out.push(u.href);
              u.hostname = "a:1"; out.push(u.host);
              u.host = ""; out.push(u.host);
              const f = new URL("file:///x"); f.port = "8"; f.username = "u"; f.host = "srv"; out.push(f.href);
              const n = new URL("foo://h/p"); n.protocol = "http"; n.host = ""; out.push(n.href);
              return out; })()
            """);
        Assert.Equal("""["https://h/","h","h","file://srv/x","foo:///p"]""", value.GetRawText());
    }

    [Fact]
    public async Task Setting_href_to_garbage_throws()
    {
        Assert.Equal(
            "Uncaught TypeError: Invalid URL: 'nope'", await ErrorAsync("new URL('https://h/').href = 'nope';"));
    }

    [Fact]
    public async Task SearchParams_is_one_object_live_linked_to_the_url()
    {
        var value = await EvalAsync("""
            (() => { const u = new URL("https://example.com/?a=1"); const sp = u.searchParams; const out = [];
              sp.append("b", "2 3"); out.push(u.search);
              u.search = "?c=4"; out.push(sp.get("c"), sp.get("a"), sp === u.searchParams);
              sp.delete("c"); out.push(u.href);
              u.href = "https://e/?z=9"; out.push(sp.get("z"));
              return out; })()
            """);
        Assert.Equal("""["?a=1&b=2+3","4",null,true,"https://example.com/","9"]""", value.GetRawText());
    }

    [Fact]
    public async Task Url_statics_conversions_and_subclasses_work()
    {
        var value = await EvalAsync("""
            (() => { const u = new URL("https://h/p");
              class Mine extends URL { get twice() { return this.href + this.href; } }
              const m = new Mine("/q", u);
              return [URL.canParse("https://x"), URL.canParse("x"), URL.canParse("x", "https://b/"), URL.parse("x"),
                URL.parse("/y", "https://b/").href, String(u), JSON.stringify({ u }), u.toJSON(),
                m.twice, m instanceof URL, Object.prototype.toString.call(u), new URL(u).href,
                Object.keys(u).length, typeof URL, URL.length]; })()
            """);
        Assert.Equal(
            """
            [true,false,true,null,"https://b/y","https://h/p","{\"u\":\"https://h/p\"}","https://h/p",
            "https://h/qhttps://h/q",true,"[object URL]","https://h/p",0,"function",1]
            """.Replace("\n", "", StringComparison.Ordinal),
            value.GetRawText());
    }
}
