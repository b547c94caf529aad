using Convex.Sim.Storage;
using static Convex.Sim.Database.Tests.DatabaseFixture;

namespace Convex.Sim.Database.Tests;

/// <summary>
/// The database runs persistence upkeep (<see cref="IPersistence.MaintainAsync"/>) after publishing a group when
/// persistence says it is due, never two at a time, without holding up commits, and a failed upkeep neither stops the
/// database nor keeps the next one from running.
/// </summary>
public sealed class PersistenceUpkeepTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Upkeep_runs_when_due_one_at_a_time_off_the_commit_path_and_survives_its_failure()
    {
        var persistence = new UpkeepPersistence(new Storage.Memory.MemoryPersistence());
        var db = await OpenAsync(persistence);
        for (var i = 0; i < 3; i++)
        {
            await TransactionTests.InsertAsync(db, "t", Doc(("n", I(i))));
        }

        Assert.Equal(0, persistence.Calls); // never due

        persistence.Due = true;
        await TransactionTests.InsertAsync(db, "t", Doc(("n", I(3))));
        await UntilAsync(() => persistence.Calls == 1);
        for (var i = 4; i < 10; i++)
        {
            // The first upkeep is held: commits go on, and no second upkeep starts while it runs.
            await TransactionTests.InsertAsync(db, "t", Doc(("n", I(i)))).WaitAsync(Patience, Ct);
        }

        Assert.Equal(1, persistence.Calls);
        persistence.ReleaseFirst(new IOException("injected upkeep failure"));
        await UntilAsync(() => persistence.Running == 0);
        Assert.True(db.IsAvailable);

        await TransactionTests.InsertAsync(db, "t", Doc(("n", I(10))));
        await UntilAsync(() => persistence.Calls >= 2); // still due: the next published group starts it again
        Assert.False(persistence.Overlapped);
        persistence.Due = false;
        var calls = persistence.Calls;
        await UntilAsync(() => persistence.Running == 0);
        await TransactionTests.InsertAsync(db, "t", Doc(("n", I(11))));
        Assert.Equal(calls, persistence.Calls);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5, Ct);
        }
    }

    /// <summary>Reports upkeep due while told to; the first call waits until released and then fails.</summary>
    private sealed class UpkeepPersistence(IPersistence inner) : ForwardingPersistence(inner), IPersistence
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;
        private int _running;

        public volatile bool Due;

        public int Calls => Volatile.Read(ref _calls);

        public int Running => Volatile.Read(ref _running);

        public bool Overlapped { get; private set; }

        public bool MaintenanceDue => Due;

        public void ReleaseFirst(Exception failure) => _first.SetException(failure);

        public async ValueTask MaintainAsync(CancellationToken cancellationToken)
        {
            Overlapped |= Interlocked.Increment(ref _running) > 1;
            try
            {
                if (Interlocked.Increment(ref _calls) == 1)
                {
                    await _first.Task;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
