using Convex.Sim.Core;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage;
using Convex.Sim.Storage.Memory;
using Convex.Sim.Sync.Protocol;
using Convex.Sim.Sync.Subscriptions;
using Microsoft.Coyote;
using Microsoft.Coyote.Specifications;
using Microsoft.Coyote.SystematicTesting;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Sync.Coyote.Tests;

/// <summary>
/// A writer commits and announces commits while a session subscribes to the written document and
/// re-runs it when told, concurrently, on the production runtime. Coyote explores the
/// interleavings. The property is the simulator's NoMissedUpdate at the level of the subscription
/// manager: once everything has been matched, the session's last result is the value at the latest
/// timestamp. The planted bug (no check of the commits a late-tracked read set missed) must be found.
/// </summary>
public sealed class SubscriptionRaceTests
{
    private static readonly QueryId Query = new(1);

    [Fact]
    public void A_subscription_never_misses_a_commit_in_any_interleaving()
    {
        var report = Explore(checkMissedCommits: true, iterations: 300);
        Assert.True(report.NumOfFoundBugs == 0,
            string.Join('\n', report.BugReports) + "\nuncontrolled: " + string.Join(", ", report.UncontrolledInvocations));
    }

    [Fact]
    public void Without_the_missed_commit_check_an_interleaving_loses_an_update()
    {
        var report = Explore(checkMissedCommits: false, iterations: 300);
        Assert.True(report.NumOfFoundBugs > 0, "Coyote found no interleaving that loses an update");
        Assert.Contains(report.BugReports, r => r.Contains("missed update", StringComparison.Ordinal));
    }

    private static Microsoft.Coyote.SystematicTesting.TestReport Explore(bool checkMissedCommits, uint iterations)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations(iterations)
            .WithRandomGeneratorSeed(2026)
            // The database's committer is a background loop that outlives each iteration, idle on
            // its wake-up promise; Coyote's periodic hang monitor then reports a "potential"
            // deadlock. Definite deadlocks (every controlled operation blocked) are still bugs.
            .WithPotentialDeadlocksReportedAsBugs(false)
            .WithTelemetryEnabled(false);
        using var engine = TestingEngine.Create(configuration, () => ScenarioAsync(checkMissedCommits));
        engine.Run();
        return engine.TestReport;
    }

    private static async Task ScenarioAsync(bool checkMissedCommits)
    {
        var ct = CancellationToken.None;
        var runtime = new ProductionRuntime(seed: 1);
        var database = await DatabaseEngine.OpenAsync(runtime, new MemoryPersistence(), Database.DatabaseOptions.Default, ct);
        var id = (await database.RunMutationAsync(
            async (tx, c) => await tx.InsertAsync("t", Doc(0), c), ct)).Value;
        var manager = new SubscriptionManager(database) { CheckMissedCommits = checkMissedCommits };
        using var session = manager.Register();
        long shown = -1;

        var writer = Task.Run(async () =>
        {
            for (var v = 1; v <= 2; v++)
            {
                var value = v;
                var committed = await database.RunMutationAsync(async (tx, c) =>
                {
                    await tx.PatchAsync(id, [new("v", new ConvexInt64(value))], c);
                    return value;
                }, ct);
                await manager.NotifyCommitAsync(committed.CommitTs);
            }
        });
        var reader = Task.Run(async () =>
        {
            var (ts, _, _) = manager.Claim(session);
            shown = await RunAsync(database, manager, session, ts);
            for (var round = 0; round < 2; round++)
            {
                await Task.Yield();
                var (next, dirty, _) = manager.Claim(session);
                if (dirty.Contains(Query))
                {
                    shown = await RunAsync(database, manager, session, next);
                }
            }
        });
        await Task.WhenAll(new[] { writer, reader });

        // Everything is committed and announced: what the subscription still owes is marked dirty.
        var (final, owed, _) = manager.Claim(session);
        if (owed.Contains(Query))
        {
            shown = await RunAsync(database, manager, session, final);
        }

        var fresh = await ReadAsync(database, database.LatestTs);
        Specification.Assert(shown == fresh.Value, $"missed update: the session shows v={shown}, the database has v={fresh.Value}");
    }

    /// <summary>Runs the subscribed "query" (read the one document through an index range) at <paramref name="ts"/> and tracks it.</summary>
    private static async Task<long> RunAsync(DatabaseEngine database, SubscriptionManager manager, SessionSubscriptions session, Timestamp ts)
    {
        var (value, readSet) = await ReadAsync(database, ts);
        manager.Track(session, Query, readSet, ts);
        return value;
    }

    private static async Task<(long Value, Database.Reads.ReadSet ReadSet)> ReadAsync(DatabaseEngine database, Timestamp ts)
    {
        var tx = database.BeginReadOnly(ts);
        var rows = await tx.QueryAsync("t", IndexInfo.ByCreationTimeName, IndexRange.All, ScanOrder.Ascending, 10, CancellationToken.None);
        return (((ConvexInt64)rows.Single()["v"]!).Value, tx.ReadSet);
    }

    private static ConvexObject Doc(long v) => ConvexObject.From([new("v", new ConvexInt64(v))]);
}
