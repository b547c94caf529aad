using Convex.Sim.Core.Values;
using Convex.Sim.Database.Transactions;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

/// <summary>The records that make a re-sent mutation idempotent, and their expiry.</summary>
public sealed class SessionRequestTests
{
    private static readonly ConvexObject Outcome = Doc(("result", S("\"done\"")));

    private static async Task RecordAsync(Database db, SessionRequestKey key) =>
        await db.RunMutationAsync((tx, ct) =>
        {
            tx.RecordMutation(key, Outcome);
            return Task.FromResult(true);
        }, Ct);

    [Fact]
    public async Task A_record_is_found_with_its_commit_timestamp_and_only_for_its_own_key()
    {
        var db = await OpenAsync();
        var key = new SessionRequestKey("session", 7);
        await RecordAsync(db, key);
        var committed = db.LatestTs;

        var found = await db.BeginReadOnly().FindRecordedMutationAsync(key, Ct);
        Assert.NotNull(found);
        Assert.Equal(committed, found.CommitTs);
        Assert.Equal(Outcome, found.Outcome);
        Assert.Null(await db.BeginReadOnly().FindRecordedMutationAsync(new SessionRequestKey("session", 8), Ct));
        Assert.Null(await db.BeginReadOnly().FindRecordedMutationAsync(new SessionRequestKey("other", 7), Ct));
    }

    [Fact]
    public async Task Expiry_deletes_only_records_older_than_the_cutoff_in_batches()
    {
        var db = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            await RecordAsync(db, new SessionRequestKey("old", i));
        }

        var past = DateTimeOffset.UnixEpoch.AddYears(1).ToUnixTimeMilliseconds();
        Assert.Equal(0, await db.ExpireSessionRequestsAsync(past, batch: 2, Ct));
        Assert.NotNull(await db.BeginReadOnly().FindRecordedMutationAsync(new SessionRequestKey("old", 4), Ct));

        var future = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        Assert.Equal(5, await db.ExpireSessionRequestsAsync(future, batch: 2, Ct));
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await db.BeginReadOnly().FindRecordedMutationAsync(new SessionRequestKey("old", i), Ct));
        }
    }
}
