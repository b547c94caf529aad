using System.Threading.Channels;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Database.Errors;
using Convex.Sim.Storage;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

/// <summary>
/// The committer's pipeline over a persistence whose stages and syncs wait for the test: a group is staged while the
/// group before it is still syncing, validated against it, and neither is published nor acknowledged before its sync;
/// a failed sync fails the group staged after it as unknown. The first group's stage is held until the second commit
/// is queued, so the committer hands the first group to the sync pump instead of syncing it inline.
/// </summary>
public sealed class CommitPipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_group_is_staged_while_the_previous_one_syncs_and_neither_is_published_before_its_sync()
    {
        var persistence = new GatedPersistence(new Storage.Memory.MemoryPersistence());
        var db = await OpenAsync(persistence);
        var (a, b) = await StageTwoAsync(db, persistence, "a", "b");

        Assert.Equal(persistence.LastReleasedSync, db.LatestTs); // the table's creation, nothing staged since
        Assert.False(a.IsCompleted);
        Assert.False(b.IsCompleted);
        persistence.ReleaseAll();
        var (tsA, tsB) = (await a.WaitAsync(Patience, Ct), await b.WaitAsync(Patience, Ct));
        Assert.True(tsA < tsB);
        Assert.Equal(tsB, db.LatestTs);
    }

    [Fact]
    public async Task A_failed_sync_fails_the_group_staged_after_it_as_unknown()
    {
        var persistence = new GatedPersistence(new Storage.Memory.MemoryPersistence());
        var db = await OpenAsync(persistence);
        var (a, b) = await StageTwoAsync(db, persistence, "a", "b");

        (await persistence.Syncs.ReadAsync(Ct).AsTask().WaitAsync(Patience, Ct)).Fail(new IOException("injected sync failure"));
        await Assert.ThrowsAsync<CommitOutcomeUnknownException>(() => a.WaitAsync(Patience, Ct));
        await Assert.ThrowsAsync<CommitOutcomeUnknownException>(() => b.WaitAsync(Patience, Ct));
        Assert.False(db.IsAvailable);
    }

    [Fact]
    public async Task A_commit_that_read_what_a_syncing_group_wrote_conflicts()
    {
        var persistence = new GatedPersistence(new Storage.Memory.MemoryPersistence());
        var db = await OpenAsync(persistence);
        persistence.ReleaseAll();
        var id = await TransactionTests.InsertAsync(db, "t", Doc(("n", I(0))));
        persistence.Hold();

        var reader = db.BeginTransaction();
        Assert.Equal(0, Int((await reader.GetAsync(id, Ct))!, "n"));
        await reader.PatchAsync(id, [new("n", I(2))], Ct);
        var writer = db.BeginTransaction();
        await writer.PatchAsync(id, [new("n", I(1))], Ct);
        var written = db.CommitAsync(writer, Ct);
        var stage = await persistence.Stages.ReadAsync(Ct).AsTask().WaitAsync(Patience, Ct);
        var read = db.CommitAsync(reader, Ct); // queued while the writer's group is being staged
        stage.Release();
        await persistence.Syncs.WaitToReadAsync(Ct).AsTask().WaitAsync(Patience, Ct); // the writer's group is syncing
        // Had the reader passed validation, it would be staged now; its answer instead waits for the writer's publication.
        var staged = persistence.Stages.WaitToReadAsync(Ct).AsTask();
        Assert.NotSame(staged, await Task.WhenAny(staged, read, Task.Delay(TimeSpan.FromSeconds(1), Ct)));
        Assert.False(read.IsCompleted);
        persistence.ReleaseAll();

        await written.WaitAsync(Patience, Ct);
        await Assert.ThrowsAsync<OccConflictException>(() => read.WaitAsync(Patience, Ct));
        Assert.Equal(1, Int((await db.BeginReadOnly().GetAsync(id, Ct))!, "n"));
    }

    /// <summary>Commits an insert of <paramref name="first"/>, holds its stage until an insert of <paramref name="second"/>
    /// is queued, then waits until the second group's stage has started while the first group's sync is held.</summary>
    private static async Task<(Task<Timestamp> First, Task<Timestamp> Second)> StageTwoAsync(
        Database db, GatedPersistence persistence, string first, string second)
    {
        await TransactionTests.InsertAsync(db, "t", Doc(("k", S("table")))); // both inserts then find the table
        var txA = db.BeginTransaction();
        await txA.InsertAsync("t", Doc(("k", S(first))), Ct);
        var txB = db.BeginTransaction();
        await txB.InsertAsync("t", Doc(("k", S(second))), Ct);
        persistence.Hold();
        var a = db.CommitAsync(txA, Ct);
        var stageA = await persistence.Stages.ReadAsync(Ct).AsTask().WaitAsync(Patience, Ct);
        var b = db.CommitAsync(txB, Ct); // queued before returning: nothing in it awaits
        stageA.Release();
        var stageB = await persistence.Stages.ReadAsync(Ct).AsTask().WaitAsync(Patience, Ct);
        Assert.False(a.IsCompleted); // the first group is not durable: its sync is held
        stageB.Release();
        return (a, b);
    }

    /// <summary>A gate a stage or sync waits at until the test releases or fails it.</summary>
    private sealed class Gate(Timestamp ts)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Timestamp Ts { get; } = ts;

        public Task Released => _released.Task;

        public void Release() => _released.TrySetResult();

        public void Fail(Exception failure) => _released.TrySetException(failure);
    }

    /// <summary>Wraps a persistence; while held, every stage and sync waits at a gate the test reads from a channel.</summary>
    private sealed class GatedPersistence(IPersistence inner) : ForwardingPersistence(inner), IPersistence
    {
        private readonly Lock _gate = new();
        private readonly Channel<Gate> _stages = Channel.CreateUnbounded<Gate>();
        private readonly Channel<Gate> _syncs = Channel.CreateUnbounded<Gate>();
        private bool _held;

        public ChannelReader<Gate> Stages => _stages.Reader;

        public ChannelReader<Gate> Syncs => _syncs.Reader;

        /// <summary>The last sync that completed.</summary>
        public Timestamp LastReleasedSync { get; private set; }

        public void Hold()
        {
            lock (_gate)
            {
                _held = true;
            }
        }

        /// <summary>Releases every waiting gate and stops holding.</summary>
        public void ReleaseAll()
        {
            lock (_gate)
            {
                _held = false;
                while (_stages.Reader.TryRead(out var gate) || _syncs.Reader.TryRead(out gate))
                {
                    gate.Release();
                }
            }
        }

        public async ValueTask StageAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
        {
            await PassAsync(_stages, commits[^1].Ts);
            await Inner.WriteAsync(commits, cancellationToken); // readable only at published timestamps
        }

        public async ValueTask SyncAsync(Timestamp upTo, CancellationToken cancellationToken)
        {
            await PassAsync(_syncs, upTo);
            LastReleasedSync = upTo;
        }

        private async Task PassAsync(Channel<Gate> channel, Timestamp ts)
        {
            var gate = new Gate(ts);
            lock (_gate)
            {
                if (!_held)
                {
                    return;
                }

                channel.Writer.TryWrite(gate);
            }

            await gate.Released;
        }
    }
}
