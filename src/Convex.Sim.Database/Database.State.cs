using Convex.Sim.Core;
using Convex.Sim.Database.Commit;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Log;

namespace Convex.Sim.Database;

/// <summary>The published state the committer validates against and advances (under <c>_state</c>), retention's bound, and the stop after a persistence failure.</summary>
public sealed partial class Database
{
    /// <summary>The first commit after the snapshot that conflicts with the read set, or null.
    /// A snapshot older than the write log's retention cannot be validated and counts as a conflict.</summary>
    internal Timestamp? FirstConflict(PreparedCommit commit)
    {
        lock (_state)
        {
            if (!Options.ValidateReadSets)
            {
                return null;
            }

            if (commit.SnapshotTs < _writeLog.RetentionStart)
            {
                return _writeLog.RetentionStart;
            }

            return _writeLog.FirstConflict(commit.ReadSet, commit.SnapshotTs, _latestTs)?.Ts;
        }
    }

    internal void Publish(WriteLogEntry entry, PreparedCommit commit)
    {
        lock (_state)
        {
            Invariant.Assert(entry.Ts > _latestTs);
            _writeLog.Append(entry);
            _catalog = commit.ApplyTo(_catalog);
            _latestTs = entry.Ts;
        }
    }

    /// <summary>Fails a read at <paramref name="at"/> if retention may have deleted what it needed (checked after
    /// the read: the bound is advanced before anything is deleted).</summary>
    internal void ThrowIfBelowRetention(Timestamp at)
    {
        var bound = RetentionBound;
        if (at < bound)
        {
            throw new OutOfRetentionException(
                $"Timestamp {at} is older than the retention bound {bound}; history before it is deleted.");
        }
    }

    /// <summary>Moves the retention bound forward (never back, never past the latest commit); false if unchanged.</summary>
    internal bool AdvanceRetentionBound(Timestamp bound)
    {
        lock (_state)
        {
            if (bound <= _retentionBound)
            {
                return false;
            }

            Invariant.Assert(bound <= _latestTs);
            _retentionBound = bound;
            return true;
        }
    }

    internal void MarkUnavailable(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    internal void ThrowIfUnavailable()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new DatabaseUnavailableException(
                $"The database stopped after a persistence failure and must be reopened: {failure.Message}");
        }
    }
}
