using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Convex.Sim.Functions.Modules;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// Changing an environment variable re-runs subscribed queries (convex-compat §7.13, §9.7 item 5):
/// a query reading <c>process.env</c> over the sync protocol gets the new value without the client
/// doing anything, although no document changed.
/// </summary>
public sealed class EnvironmentSubscriptionTests
{
    // A hand-written query object in the shape the library produces.
    private const string Module = """
        export const read = {
          isQuery: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeQuery: async (args) => JSON.stringify(process.env[JSON.parse(args)[0].name] ?? null),
        };
        """;

    [Fact]
    public async Task A_subscription_reading_process_env_is_updated_by_env_set()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        await server.Server.DeployAsync([new ModuleSource("envq.js", Module)], null, TestServer.Ct);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(server.Server.Url) { Scheme = "ws", Path = "/api/sync" }.Uri,
            TestServer.Ct);
        await SendAsync(socket, """{"type":"Connect","sessionId":"env","connectionCount":0,"lastCloseReason":"InitialConnect","clientTs":0}""");
        await SendAsync(socket, """{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Add","queryId":0,"udfPath":"envq:read","args":[{"name":"FLAVOR"}]}]}""");
        var first = Assert.Single((await NextTransitionAsync(socket)).GetProperty("modifications").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("value").ValueKind);

        var (status, _) = await server.PostAsync("/api/update_environment_variables",
            """{"changes":[{"name":"FLAVOR","value":"vanilla"}]}""", server.Server.Identity.AdminKey);
        Assert.Equal(200, status);
        var updated = Assert.Single((await NextTransitionAsync(socket)).GetProperty("modifications").EnumerateArray());
        Assert.Equal("QueryUpdated", updated.GetProperty("type").GetString());
        Assert.Equal("vanilla", updated.GetProperty("value").GetString());
    }

    private static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, TestServer.Ct);

    /// <summary>The next Transition, skipping pings; fails after 30 s.</summary>
    private static async Task<JsonElement> NextTransitionAsync(ClientWebSocket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var stream = new MemoryStream();
            var buffer = new byte[8192];
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                Assert.Equal(WebSocketMessageType.Text, result.MessageType);
                stream.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            using var document = JsonDocument.Parse(stream.ToArray());
            var type = document.RootElement.GetProperty("type").GetString();
            if (type == "Transition")
            {
                return document.RootElement.Clone();
            }

            Assert.Equal("Ping", type);
        }
    }
}
