using Convex.Sim.Core;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// Upkeep of the main file, off the commit path (<see cref="IPersistence.MaintainAsync"/>): committing the open
/// transaction every <see cref="MainCommitEveryCommits"/> commits and checkpointing every
/// <see cref="CheckpointEveryCommits"/>, after which the journal rows the checkpoint covers are trimmed with the next
/// append. Both hold the main connection (reads wait, as they would for SQLite anyway), but staging does not: it queues
/// its groups, and upkeep writes them into the main file before it lets go.
/// </summary>
public sealed partial class SqlitePersistence
{
    public bool MaintenanceDue => BatchDue(1) || CheckpointDue(1);

    public ValueTask MaintainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_disposed || Volatile.Read(ref _failure) is not null)
            {
                return ValueTask.CompletedTask; // the server may be shutting down; a failed store waits for recovery
            }

            ApplyPendingLocked();
            UpkeepLocked(1);
            ApplyPendingLocked(); // groups staged meanwhile: written here rather than by the committer
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>For a caller that never runs <see cref="MaintainAsync"/>: the same upkeep, inline, once it is far overdue.</summary>
    private void MaintainInlineIfOverdueLocked() => UpkeepLocked(InlineMaintenanceAfter);

    /// <summary>Commits the batch, and checkpoints, once <paramref name="overdue"/> times their thresholds have passed
    /// (a checkpoint first commits the batch, so that it covers every group written so far).</summary>
    private void UpkeepLocked(int overdue)
    {
        var checkpoint = CheckpointDue(overdue);
        if (checkpoint || BatchDue(overdue))
        {
            CommitMainLocked();
        }

        if (checkpoint)
        {
            CheckpointLocked();
        }
    }

    private bool BatchDue(int overdue) => Volatile.Read(ref _commitsInMainTransaction) >= _mainCommitEvery * overdue;

    private bool CheckpointDue(int overdue) => Volatile.Read(ref _commitsSinceCheckpoint) >= _checkpointEvery * overdue;

    /// <summary>Commits the main file's open transaction, if any (no fsync: the journal has its groups).</summary>
    private void CommitMainLocked() => OnMain("committing the main file's batch", () =>
    {
        if (_sql.InOpenTransaction)
        {
            _sql.Commit();
        }

        Volatile.Write(ref _commitsInMainTransaction, 0);
        _committedInMain = _applied;
        Invariant.Assert(!_sql.InOpenTransaction);
    });

    /// <summary>
    /// Checkpoints the main file (no transaction open); if it completed, everything committed there is durable, so the
    /// journal may drop it. A failed checkpoint changes nothing SQLite cannot redo, so it does not stop the store.
    /// </summary>
    private bool CheckpointLocked()
    {
        Invariant.Assert(!_sql.InOpenTransaction);
        Volatile.Write(ref _commitsSinceCheckpoint, 0);
        var upTo = _committedInMain;
        bool complete;
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = SqliteSchema.CheckpointMain;
            using var reader = command.ExecuteReader();
            Invariant.Assert(reader.Read());
            var (busy, frames, done) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            complete = busy == 0 && frames == done;
        }
        catch (SqliteException e)
        {
            throw new IOException($"SQLite failed while checkpointing the main file: {e.Message}", e);
        }

        if (complete)
        {
            lock (_queueGate)
            {
                _durableInMain = Timestamp.Max2(_durableInMain, upTo);
            }
        }

        return complete;
    }

    /// <summary>The lock of the main connection, for tests that hold it while a group is staged.</summary>
    internal Lock MainGateForTests => _gate;

    /// <summary>Staged groups not yet written into the main file (tests).</summary>
    internal int PendingGroupsForTests
    {
        get
        {
            lock (_queueGate)
            {
                return _pending.Count;
            }
        }
    }
}
