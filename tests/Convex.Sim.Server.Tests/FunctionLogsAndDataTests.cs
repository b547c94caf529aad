using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// <c>GET /api/stream_function_logs</c> (convex-compat §6.9.2) and the <c>_system/cli</c> data
/// queries behind <c>npx convex data</c> (§6.9.4), over real HTTP.
/// </summary>
public sealed class FunctionLogsAndDataTests
{
    private static async Task<(int Status, JsonElement Body)> PollAsync(TestServer server, double cursor, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/stream_function_logs?cursor={cursor.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Convex", key);
        }

        using var response = await server.Http.SendAsync(request, TestServer.Ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestServer.Ct));
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    [Fact]
    public async Task A_held_poll_delivers_the_console_lines_of_a_function_called_over_http()
    {
        await using var server = await TestServer.StartAsync();
        var key = server.Server.Identity.AdminKey;
        Assert.Equal(403, (await PollAsync(server, 0, key: null)).Status);

        // The CLI's first call only wants the head; it is answered at once even with nothing logged.
        var (status, head) = await PollAsync(server, 0, key);
        Assert.Equal(200, status);
        Assert.Equal(0, head.GetProperty("entries").GetArrayLength());
        var cursor = head.GetProperty("newCursor").GetDouble();
        Assert.True(cursor > 0);

        var poll = PollAsync(server, cursor, key);
        await Task.Delay(200, TestServer.Ct);
        Assert.False(poll.IsCompleted); // held: nothing happened after the cursor
        var (_, ran) = await server.PostAsync("/api/query", """{"path":"messages:logs","args":{}}""");
        Assert.Equal("success", ran.GetProperty("status").GetString());

        var (_, batch) = await poll;
        var entry = Assert.Single(batch.GetProperty("entries").EnumerateArray());
        Assert.Equal("Completion", entry.GetProperty("kind").GetString());
        Assert.Equal("Query", entry.GetProperty("udfType").GetString());
        Assert.Equal("messages:logs", entry.GetProperty("identifier").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("error").ValueKind);
        var lines = entry.GetProperty("logLines").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains(lines, l => l!.StartsWith("[LOG] log line {", StringComparison.Ordinal));
        Assert.Contains(lines, l => l!.StartsWith("[ERROR] error line Error: boom", StringComparison.Ordinal));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.InRange(entry.GetProperty("timestamp").GetDouble(), now - 60, now + 1);
        Assert.True(entry.GetProperty("executionTime").GetDouble() >= 0);

        // A failure is logged with its error, after the previous cursor only.
        var next = batch.GetProperty("newCursor").GetDouble();
        Assert.True(next > cursor);
        await server.PostAsync("/api/query", """{"path":"messages:throwsPlain","args":{}}""");
        var (_, failed) = await PollAsync(server, next, key);
        var failure = Assert.Single(failed.GetProperty("entries").EnumerateArray());
        Assert.Equal("messages:throwsPlain", failure.GetProperty("identifier").GetString());
        Assert.False(string.IsNullOrEmpty(failure.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Stopping_the_server_answers_a_held_poll_at_once()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var key = server.Server.Identity.AdminKey;
        var (_, head) = await PollAsync(server, 0, key);
        var poll = PollAsync(server, head.GetProperty("newCursor").GetDouble(), key);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (server.Server.RequestsInFlight == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestServer.Ct);
        }

        Assert.Equal(1, server.Server.RequestsInFlight);
        var stopwatch = Stopwatch.StartNew();
        await server.Server.StopAsync(TestServer.Ct);
        var (status, body) = await poll;
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stop took {stopwatch.Elapsed}");
        Assert.Equal(200, status);
        Assert.Equal(0, body.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Table_list_size_and_data_for_the_cli()
    {
        await using var server = await TestServer.StartAsync();
        var key = server.Server.Identity.AdminKey;
        foreach (var body in new[] { "one", "two", "three" })
        {
            await server.PostAsync("/api/mutation",
                $$$"""{"path":"messages:send","args":{"author":"d","body":"{{{body}}}","channel":"data"}}""");
        }

        var (status, tables) = await server.PostAsync("/api/function",
            """{"path":"_system/cli/tables","args":{"paginationOpts":{"cursor":null,"numItems":10000}},"format":"json"}""",
            key);
        Assert.Equal(200, status);
        var names = tables.GetProperty("value").GetProperty("page").EnumerateArray()
            .Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("messages", names);
        Assert.DoesNotContain(names, n => n!.StartsWith('_'));
        Assert.True(tables.GetProperty("value").GetProperty("isDone").GetBoolean());

        var (_, size) = await server.PostAsync("/api/function",
            """{"path":"_system/cli/tableSize:default","args":{"tableName":"messages"},"format":"json"}""", key);
        Assert.Equal(3, size.GetProperty("value").GetDouble());

        var (_, page) = await server.PostAsync("/api/function",
            """{"path":"_system/cli/tableData","args":{"table":"messages","order":"desc","paginationOpts":{"cursor":null,"numItems":2}},"format":"json"}""",
            key);
        var value = page.GetProperty("value");
        Assert.Equal(["three", "two"],
            value.GetProperty("page").EnumerateArray().Select(d => d.GetProperty("body").GetString()));
        Assert.False(value.GetProperty("isDone").GetBoolean());
        var cursor = value.GetProperty("continueCursor").GetString();
        var (_, rest) = await server.PostAsync("/api/function",
            $$$"""{"path":"_system/cli/tableData","args":{"table":"messages","order":"desc","paginationOpts":{"cursor":"{{{cursor}}}","numItems":2}},"format":"json"}""",
            key);
        Assert.Equal("one", Assert.Single(rest.GetProperty("value").GetProperty("page").EnumerateArray())
            .GetProperty("body").GetString());

        var (_, spec) = await server.PostAsync("/api/function",
            """{"path":"_system/cli/modules:apiSpec","args":{},"format":"json"}""", key);
        Assert.Contains(spec.GetProperty("value").EnumerateArray(), f =>
            f.TryGetProperty("identifier", out var id) && id.GetString() == "messages.js:list"
            && f.GetProperty("functionType").GetString() == "Query");
    }
}
