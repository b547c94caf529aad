using Convex.Sim.Core.Values;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.WebApis;

/// <summary>The corpus functions that exercise web APIs, run through the real function runner.</summary>
public sealed class CorpusWebApiTests
{
    private static string Text(ConvexObject value, string field) => Assert.IsType<ConvexString>(value[field]).Value;

    private static double Number(ConvexObject value, string field) => Assert.IsType<ConvexFloat64>(value[field]).Value;

    [Fact]
    public async Task The_webApis_query_sees_every_api_working()
    {
        var backend = await StartAsync();
        var result = await backend.QueryAsync("messages:webApis");
        Assert.True(result.Succeeded, result.ErrorMessage);
        var value = Assert.IsType<ConvexObject>(result.Value);
        Assert.Equal(10, Number(value, "encodedLength"));
        Assert.Equal("68c3a96c6c6f20e282ac", Text(value, "encodedHex"));
        Assert.Equal("héllo €", Text(value, "decoded"));
        Assert.Equal("https://example.com:8080/a/b?x=1&y=two&z=3+4#frag", Text(value, "href"));
        Assert.Equal("example.com:8080", Text(value, "host"));
        Assert.Equal("/a/b", Text(value, "pathname"));
        Assert.Equal("?x=1&y=two&z=3+4", Text(value, "search"));
        Assert.Equal("#frag", Text(value, "hash"));
        Assert.Equal("""["1","3"]""", ConvexJson.Encode(value["paramsA"]!));
        Assert.Equal("a=1&b=2&a=3", Text(value, "paramsString"));
        Assert.Equal("aGVsbG8=", Text(value, "b64"));
        Assert.Equal("hello", Text(value, "unb64"));
        Assert.Equal(ConvexBoolean.True, value["clonedIsCopy"]);
        Assert.Equal(0, Number(value, "clonedDate"));
        Assert.Equal(1, Number(value, "clonedMap"));
        Assert.Equal(8, Number(value, "randomLength"));
        Assert.Equal(ConvexBoolean.True, value["uuidLooksValid"]);
    }

    [Fact]
    public async Task The_sleep_action_waits_on_the_runtime_clock()
    {
        var backend = await StartAsync();
        var result = await backend.ActionAsync("actions:sleep", Obj(("ms", N(20))));
        Assert.True(result.Succeeded, result.ErrorMessage);
        // Real clocks: the timer and Date.now() may disagree by a few ms (the simulator test checks exactness).
        Assert.InRange(Number(Assert.IsType<ConvexObject>(result.Value), "elapsed"), 15, 10_000);
    }

    [Fact]
    public async Task The_fetchUrl_action_fetches_from_a_real_local_server()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = ServeOnceAsync(listener, "pong");
        var backend = await StartAsync();
        var result = await backend.ActionAsync("actions:fetchUrl", Obj(("url", S($"http://127.0.0.1:{port}/ping"))));
        await serve;
        Assert.True(result.Succeeded, result.ErrorMessage);
        var value = Assert.IsType<ConvexObject>(result.Value);
        Assert.Equal(200.0, Number(value, "status"));
        Assert.Equal("pong", ((ConvexString)value["body"]!).Value);
    }

    [Fact]
    public async Task A_fetch_to_a_closed_port_fails_the_action_with_the_url_in_the_message()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there any more
        var backend = await StartAsync();
        var result = await backend.ActionAsync("actions:fetchUrl", Obj(("url", S($"http://127.0.0.1:{port}/"))));
        Assert.StartsWith($"Uncaught Error: fetch to http://127.0.0.1:{port}/ failed", result.ErrorMessage);
    }

    /// <summary>A minimal HTTP/1.1 server for one request: answers 200 with <paramref name="body"/>.</summary>
    private static async Task ServeOnceAsync(System.Net.Sockets.TcpListener listener, string body)
    {
        using var client = await listener.AcceptTcpClientAsync(Ct);
        var stream = client.GetStream();
        var buffer = new byte[8192];
        var request = "";
        while (!request.Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, Ct);
            if (read == 0)
            {
                return;
            }

            request += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }

        var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response), Ct);
    }
}
