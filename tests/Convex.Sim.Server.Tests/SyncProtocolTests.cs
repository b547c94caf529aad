using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Convex.Sim.Server.Tests;

/// <summary>The WebSocket sync protocol (convex-compat §3) end to end over Kestrel and ClientWebSocket.</summary>
public sealed class SyncProtocolTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private const string ZeroTs = "AAAAAAAAAAA=";

    [Fact]
    public async Task A_subscription_receives_the_result_of_a_mutation()
    {
        using var socket = await ConnectAsync("/api/1.48.0/sync");
        await SendAsync(socket, """{"type":"Connect","sessionId":"s1","connectionCount":0,"lastCloseReason":"InitialConnect","clientTs":0}""");
        await SendAsync(socket, """{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Add","queryId":0,"udfPath":"messages:list","args":[{"channel":"sync-a"}]}]}""");

        var first = await ReceiveAsync(socket);
        Assert.Equal("Transition", first.GetProperty("type").GetString());
        Assert.Equal(0, first.GetProperty("startVersion").GetProperty("querySet").GetInt32());
        Assert.Equal(ZeroTs, first.GetProperty("startVersion").GetProperty("ts").GetString());
        Assert.Equal(1, first.GetProperty("endVersion").GetProperty("querySet").GetInt32());
        var added = Assert.Single(first.GetProperty("modifications").EnumerateArray());
        Assert.Equal("QueryUpdated", added.GetProperty("type").GetString());
        Assert.Equal(0, added.GetProperty("queryId").GetInt32());
        Assert.Equal(0, added.GetProperty("value").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, added.GetProperty("journal").ValueKind);

        await SendAsync(socket, """{"type":"Mutation","requestId":0,"udfPath":"messages:send","args":[{"author":"ann","body":"hi","channel":"sync-a"}]}""");
        var response = await ReceiveAsync(socket);
        Assert.Equal("MutationResponse", response.GetProperty("type").GetString());
        Assert.True(response.GetProperty("success").GetBoolean());
        var commitTs = Ts(response.GetProperty("ts"));
        Assert.Equal(JsonValueKind.String, response.GetProperty("result").ValueKind); // the new id

        var second = await ReceiveAsync(socket);
        Assert.Equal("Transition", second.GetProperty("type").GetString());
        Assert.Equal(first.GetProperty("endVersion").GetRawText(), second.GetProperty("startVersion").GetRawText());
        Assert.True(Ts(second.GetProperty("endVersion").GetProperty("ts")) >= commitTs);
        var updated = Assert.Single(second.GetProperty("modifications").EnumerateArray());
        Assert.Equal("QueryUpdated", updated.GetProperty("type").GetString());
        var message = Assert.Single(updated.GetProperty("value").EnumerateArray());
        Assert.Equal("hi", message.GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_commit_over_http_updates_the_subscription()
    {
        using var socket = await ConnectAsync("/api/sync");
        await SendAsync(socket, """{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Add","queryId":7,"udfPath":"messages:list","args":[{"channel":"sync-b"}]},{"type":"Add","queryId":8,"udfPath":"messages:list","args":[{"channel":"sync-unrelated"}]}]}""");
        var first = await ReceiveAsync(socket);
        Assert.Equal(2, first.GetProperty("modifications").GetArrayLength());

        var (status, _) = await Server.PostAsync("/api/mutation",
            """{"path":"messages:send","args":{"author":"bo","body":"via http","channel":"sync-b"},"format":"json"}""");
        Assert.Equal(200, status);

        var second = await ReceiveAsync(socket);
        Assert.Equal("Transition", second.GetProperty("type").GetString());
        // Only the query whose read set the commit wrote into is resent.
        var updated = Assert.Single(second.GetProperty("modifications").EnumerateArray());
        Assert.Equal(7, updated.GetProperty("queryId").GetInt32());
        Assert.Equal("via http", Assert.Single(updated.GetProperty("value").EnumerateArray()).GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_version_mismatch_is_a_fatal_error_and_closes_the_socket()
    {
        using var socket = await ConnectAsync("/api/1.48.0/sync");
        await SendAsync(socket, """{"type":"ModifyQuerySet","baseVersion":3,"newVersion":4,"modifications":[]}""");
        var fatal = await ReceiveAsync(socket);
        Assert.Equal("FatalError", fatal.GetProperty("type").GetString());
        Assert.Contains("BaseVersionMismatch", fatal.GetProperty("error").GetString(), StringComparison.Ordinal);
        var buffer = new byte[1024];
        var closing = await socket.ReceiveAsync(buffer, TestServer.Ct);
        Assert.Equal(WebSocketMessageType.Close, closing.MessageType);
    }

    [Fact]
    public async Task Malformed_json_is_a_fatal_error()
    {
        using var socket = await ConnectAsync("/api/sync");
        await SendAsync(socket, "{not json");
        var fatal = await ReceiveAsync(socket);
        Assert.Equal("FatalError", fatal.GetProperty("type").GetString());
        Assert.StartsWith("Malformed message", fatal.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"type":"NoSuchMessage"}""")]
    [InlineData("""{"type":"ModifyQuerySet","baseVersion":9,"newVersion":10,"modifications":[]}""")]
    [InlineData("""{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Remove","queryId":5}]}""")]
    [InlineData("""{"type":"Authenticate","tokenType":"Admin","value":"wrong|key","baseVersion":0}""")]
    public async Task A_client_that_breaks_the_protocol_is_closed_and_everyone_else_keeps_being_served(string bad)
    {
        using var healthy = await ConnectAsync("/api/1.48.0/sync");
        await SendAsync(healthy, """{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Add","queryId":1,"udfPath":"messages:list","args":[{"channel":"sync-bystander"}]}]}""");
        var initial = await ReceiveAsync(healthy);
        Assert.Equal("Transition", initial.GetProperty("type").GetString());

        using var broken = await ConnectAsync("/api/1.48.0/sync");
        await SendAsync(broken, bad);
        var answer = await ReceiveAsync(broken);
        Assert.Contains(answer.GetProperty("type").GetString(), new[] { "FatalError", "AuthError" });
        var closing = await broken.ReceiveAsync(new byte[1024], TestServer.Ct);
        Assert.Equal(WebSocketMessageType.Close, closing.MessageType);

        var body = """{"path":"messages:send","args":{"author":"x","body":"still served","channel":"sync-bystander"},"format":"json"}""";
        var (status, _) = await Server.PostAsync("/api/mutation", body);
        Assert.Equal(200, status);
        var update = await ReceiveAsync(healthy);
        Assert.Equal("Transition", update.GetProperty("type").GetString());
        Assert.Equal(initial.GetProperty("endVersion").GetRawText(), update.GetProperty("startVersion").GetRawText());
        Assert.NotEqual(0, update.GetProperty("modifications").GetArrayLength());
    }

    [Fact]
    public async Task An_admin_key_over_the_socket_is_confirmed_by_a_transition()
    {
        using var socket = await ConnectAsync("/api/1.48.0/sync");
        var key = JsonSerializer.Serialize(Server.Server.Identity.AdminKey);
        await SendAsync(socket, $$"""{"type":"Authenticate","tokenType":"Admin","value":{{key}},"baseVersion":0}""");
        var confirmed = await ReceiveAsync(socket);
        Assert.Equal("Transition", confirmed.GetProperty("type").GetString());
        Assert.Equal(1, confirmed.GetProperty("endVersion").GetProperty("identity").GetInt32());
    }

    private static ulong Ts(JsonElement encoded) => BitConverter.ToUInt64(Convert.FromBase64String(encoded.GetString()!));

    private async Task<ClientWebSocket> ConnectAsync(string path)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(Server.Server.Url) { Scheme = "ws", Path = path }.Uri;
        await socket.ConnectAsync(uri, TestServer.Ct);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, TestServer.Ct);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var stream = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            stream.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                break;
            }
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }
}
