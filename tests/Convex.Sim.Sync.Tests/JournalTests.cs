using System.Text.Json;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using static Convex.Sim.Sync.Tests.SyncHarness;

namespace Convex.Sim.Sync.Tests;

/// <summary>
/// Journals (convex-compat §3.6.4): a subscribed paginated query keeps its page window across
/// re-runs and re-subscriptions, so adjacent pages neither overlap nor leave a gap.
/// </summary>
public sealed class JournalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string SubscribePage(uint queryId, string? journal)
    {
        var encoded = journal is null ? "null" : JsonSerializer.Serialize(journal);
        return "{\"type\":\"ModifyQuerySet\",\"baseVersion\":0,\"newVersion\":1,\"modifications\":[{\"type\":\"Add\"," +
            $"\"queryId\":{queryId},\"udfPath\":\"messages:page\"," +
            "\"args\":[{\"paginationOpts\":{\"numItems\":2,\"cursor\":null}}]," +
            $"\"journal\":{encoded}}}]}}";
    }

    private static async Task<string> InsertAsync(Backend backend, string body)
    {
        var args = (ConvexObject)ConvexJson.Decode($$"""{"author":"j","body":"{{body}}","channel":"journal"}""");
        var result = await backend.Runner.RunMutationAsync(new FunctionCall("messages:send", args), Ct);
        await backend.Subscriptions.NotifyCommitAsync(result.Ts);
        return ((ConvexString)result.Value!).Value;
    }

    private static string[] Bodies(JsonElement modification) =>
        [.. modification.GetProperty("value").GetProperty("page").EnumerateArray().Select(m => m.GetProperty("body").GetString()!)];

    [Fact]
    public async Task A_re_run_page_keeps_its_window_when_a_row_before_its_end_is_deleted()
    {
        var backend = await StartBackendAsync();
        var first = await InsertAsync(backend, "one");
        await InsertAsync(backend, "two");
        await InsertAsync(backend, "three");

        var (client, running) = Open(backend);
        client.Send(SubscribePage(0, journal: null));
        var initial = Assert.Single((await ExpectAsync(client, "Transition")).GetProperty("modifications").EnumerateArray());
        Assert.Equal(["one", "two"], Bodies(initial));
        var journal = initial.GetProperty("journal").GetString();
        Assert.False(string.IsNullOrEmpty(journal));

        var removed = await backend.Runner.RunMutationAsync(
            new FunctionCall("messages:remove", (ConvexObject)ConvexJson.Decode($$"""{"id":"{{first}}"}""")), Ct);
        Assert.True(removed.Succeeded);
        await backend.Subscriptions.NotifyCommitAsync(removed.Ts);

        // Without the journal the page would take two rows again and overlap the next page ("three").
        var update = Assert.Single((await ExpectAsync(client, "Transition")).GetProperty("modifications").EnumerateArray());
        Assert.Equal(["two"], Bodies(update));
        Assert.Equal(journal, update.GetProperty("journal").GetString());
        client.Disconnect();
        await running;

        // A client re-subscribing after a reconnect sends the journal back and gets the same window.
        var (again, runningAgain) = Open(backend);
        again.Send(SubscribePage(0, journal));
        var resubscribed = Assert.Single((await ExpectAsync(again, "Transition")).GetProperty("modifications").EnumerateArray());
        Assert.Equal(["two"], Bodies(resubscribed));

        // A journal that does not fit (garbage, or another query's) is ignored rather than failing the query.
        var (other, runningOther) = Open(backend);
        other.Send(SubscribePage(0, "not-a-cursor"));
        var ignored = Assert.Single((await ExpectAsync(other, "Transition")).GetProperty("modifications").EnumerateArray());
        Assert.Equal(["two", "three"], Bodies(ignored));
        again.Disconnect();
        other.Disconnect();
        await Task.WhenAll(runningAgain, runningOther);
    }
}
