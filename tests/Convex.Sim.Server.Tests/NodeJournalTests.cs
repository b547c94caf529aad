namespace Convex.Sim.Server.Tests;

/// <summary>
/// Journals with the official client (convex-compat §3.6.4): a subscribed page keeps its window when
/// a row inside it is deleted, and after a reconnect the client sends the journal back, so the page
/// stays the same instead of growing into the next page's rows.
/// </summary>
public sealed class NodeJournalTests
{
    [Fact]
    public async Task A_subscribed_page_keeps_its_window_across_a_delete_and_a_reconnect()
    {
        await using var server = await TestServer.StartAsync();
        var first = await SendAsync(server, "one");
        await SendAsync(server, "two");
        await SendAsync(server, "three");
        await using var proxy = new FaultProxy(server.Server.Url);

        using var process = NodeScript.Start(proxy.Url, "journal-client.mjs");
        var stderr = process.StandardError.ReadToEndAsync(TestServer.Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            Assert.Equal("update: one,two", await process.StandardOutput.ReadLineAsync(timeout.Token));
            var (status, removed) = await server.PostAsync("/api/mutation",
                $$"""{"path":"messages:remove","args":{"id":"{{first}}"},"format":"json"}""");
            Assert.True(status == 200 && removed.GetProperty("status").GetString() == "success", removed.ToString());
            // Without the journal the page would take two rows again: "two,three".
            Assert.Equal("update: two", await process.StandardOutput.ReadLineAsync(timeout.Token));

            // The client reconnects and re-subscribes with the journal; the page must not change.
            proxy.CutAll();
            await SendAsync(server, "four");
            await WaitForReconnectAsync(server, timeout.Token);
            await process.StandardInput.WriteLineAsync("done".AsMemory(), timeout.Token);
            var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{rest}\n{await stderr}");
            // The client also logs its reconnect; only the page lines matter.
            var pages = rest.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.StartsWith("update: ", StringComparison.Ordinal) || l.StartsWith("final: ", StringComparison.Ordinal))
                .ToList();
            Assert.Equal("final: two", pages[^1]);
            Assert.All(pages[..^1], line => Assert.Equal("update: two", line));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task<string> SendAsync(TestServer server, string body)
    {
        var (status, sent) = await server.PostAsync("/api/mutation",
            $$"""{"path":"messages:send","args":{"author":"j","body":"{{body}}","channel":"journal"},"format":"json"}""");
        Assert.Equal(200, status);
        return sent.GetProperty("value").GetString()!;
    }

    /// <summary>The client's new socket is registered again (the old session ended, a new one began).</summary>
    private static async Task WaitForReconnectAsync(TestServer server, CancellationToken cancellationToken)
    {
        var subscriptions = server.Server.Subscriptions;
        while (subscriptions.Count != 1 || subscriptions.TrackedRanges == 0)
        {
            await Task.Delay(20, cancellationToken);
        }

        // Let the re-subscription's transition reach the client before asking for its state.
        await Task.Delay(500, cancellationToken);
    }
}
