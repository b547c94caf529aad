using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Sync.Subscriptions;
using static Convex.Sim.Sync.Tests.SyncHarness;

namespace Convex.Sim.Sync.Tests;

/// <summary>The subscription manager: interval matching, shared executions, and clean-up.</summary>
public sealed class SubscriptionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_range_index_finds_exactly_the_intervals_containing_a_key()
    {
        // Compared with a brute-force scan over random intervals, with removals in between.
        var random = new Prng(2026);
        var index = new RangeIndex<int>();
        var live = new Dictionary<int, (byte[] Start, byte[]? End, object Handle)>();
        for (var step = 0; step < 3000; step++)
        {
            if (live.Count > 0 && random.Chance(1, 3))
            {
                var victim = live.Keys.OrderBy(k => k).ElementAt(random.NextInt(0, live.Count));
                index.Remove(live[victim].Handle);
                live.Remove(victim);
            }
            else
            {
                var start = RandomKey(random);
                var end = random.Chance(1, 10) ? null : Concat(start, RandomKey(random));
                live.Add(step, (start, end, index.Add(start, end, step)));
            }

            var probe = RandomKey(random);
            var found = new List<int>();
            index.Stab(probe, found);
            var expected = live.Where(e => Contains(e.Value.Start, e.Value.End, probe)).Select(e => e.Key).Order();
            Assert.Equal(expected, found.Order());
            Assert.Equal(live.Count, index.Count);
        }
    }

    [Fact]
    public async Task Identical_queries_of_two_sessions_share_one_execution_and_ranges_go_with_the_sessions()
    {
        var backend = await StartBackendAsync();
        var (one, runningOne) = Open(backend);
        var (two, runningTwo) = Open(backend);
        one.Send(Subscribe(0, 0, "shared"));
        two.Send(Subscribe(0, 7, "shared"));
        await ExpectAsync(one, "Transition");
        await ExpectAsync(two, "Transition");
        Assert.True(backend.Subscriptions.TrackedRanges > 0);

        var before = backend.Subscriptions.QueryExecutions;
        var args = (ConvexObject)ConvexJson.Decode("""{"author":"bo","body":"x","channel":"shared"}""");
        var write = await backend.Runner.RunMutationAsync(new FunctionCall("messages:send", args), Ct);
        await backend.Subscriptions.NotifyCommitAsync(write.Ts);
        await ExpectAsync(one, "Transition");
        await ExpectAsync(two, "Transition");
        var after = backend.Subscriptions.QueryExecutions;
        Assert.Equal(2, after.Requested - before.Requested);
        Assert.Equal(1, after.Shared - before.Shared);

        one.Disconnect();
        two.Disconnect();
        await Task.WhenAll(runningOne, runningTwo);
        Assert.Equal(0, backend.Subscriptions.TrackedRanges);
    }

    [Fact]
    public async Task A_deployment_re_runs_every_query_and_sends_only_changed_results()
    {
        var backend = await StartBackendAsync();
        var (client, running) = Open(backend);
        client.Send(Subscribe(0, 0, "deploy"));
        await ExpectAsync(client, "Transition");
        var before = backend.Subscriptions.QueryExecutions.Requested;
        await backend.Subscriptions.NotifyDeployAsync(backend.Database.LatestTs);
        // Re-run (same code, same data): nothing changed, so nothing is sent.
        for (var i = 0; i < 200 && backend.Subscriptions.QueryExecutions.Requested == before; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), backend.Runtime.Time, Ct);
        }

        Assert.Equal(before + 1, backend.Subscriptions.QueryExecutions.Requested);
        Assert.False(client.HasPending);
        client.Disconnect();
        await running;
    }

    private static byte[] RandomKey(Prng random)
    {
        var key = new byte[random.NextInt(0, 4)];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = (byte)random.NextInt(0, 4);
        }

        return key;
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, (byte)1, .. b];

    private static bool Contains(byte[] start, byte[]? end, byte[] key) =>
        key.AsSpan().SequenceCompareTo(start) >= 0 && (end is null || key.AsSpan().SequenceCompareTo(end) < 0);
}
