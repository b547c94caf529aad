using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Log;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The write path, in two steps that may overlap (<see cref="IPersistence.StageAsync"/>, <see cref="IPersistence.SyncAsync"/>):
/// staging writes a group into the main file's open transaction and queues its journal record (under the main
/// lock); syncing appends every queued record to the commit journal, whose commit is their durability point
/// (under the journal lock, so reads and the next group's staging proceed during the fsync).
/// </summary>
public sealed partial class SqlitePersistence
{
    public ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        Stage(commits);
        Sync(commits[^1].Ts);
        return ValueTask.CompletedTask;
    }

    public ValueTask StageAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        Stage(commits);
        return ValueTask.CompletedTask;
    }

    public ValueTask SyncAsync(Timestamp upTo, CancellationToken cancellationToken)
    {
        Sync(upTo);
        return ValueTask.CompletedTask;
    }

    private void Stage(IReadOnlyList<CommitRecord> commits)
    {
        Invariant.Assert(commits.Count > 0);
        var json = commits.Select(Json).ToArray(); // outside the lock: reads may proceed meanwhile
        var record = LogRecordCodec.Encode(commits, json);
        lock (_gate)
        {
            Invariant.Assert(_recovered);
            ThrowIfFailed();
            try
            {
                StageLocked(commits, json, record);
            }
            catch (SqliteException e)
            {
                Fail(e);
                throw new IOException($"SQLite failed while writing a commit group: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Writes a group into the main file's open transaction and queues its journal record. After a failure of the
    /// main file the open transaction is never committed, so the main file only ever commits whole groups. It may
    /// commit a group whose journal append is still to come (the batch commit, a checkpoint, pruning): if that
    /// append then fails, the group's outcome was unknown anyway, and the group is there whole or not at all.
    /// </summary>
    private void StageLocked(IReadOnlyList<CommitRecord> commits, byte[]?[][] json, byte[] record)
    {
        var last = commits[^1].Ts;
        Invariant.Assert(commits[0].Ts > _latest);
        if (!_sql.InOpenTransaction)
        {
            Invariant.Assert(_commitsInMainTransaction == 0);
            _sql.Begin();
        }

        for (var i = 0; i < commits.Count; i++)
        {
            Invariant.Assert(i == 0 || commits[i].Ts > commits[i - 1].Ts);
            _sql.WriteCommit(commits[i], json[i]);
        }

        lock (_unsyncedGate)
        {
            _unsynced.Enqueue((last, record));
        }

        _latest = last;
        RememberGroup(commits);
        _commitsInMainTransaction += commits.Count;
        if (_commitsInMainTransaction >= MainCommitEveryCommits)
        {
            CommitMainLocked();
        }

        _commitsSinceCheckpoint += commits.Count;
        if (_commitsSinceCheckpoint >= CheckpointEveryCommits)
        {
            CommitMainLocked();
            if (Checkpoint())
            {
                lock (_unsyncedGate)
                {
                    _durableInMain = last;
                }
            }
        }
    }

    /// <summary>
    /// Appends every queued journal record (one transaction, one fsync), unless <paramref name="upTo"/> is already
    /// in the journal. Records leave the queue in stage order under the journal lock, so the journal gets groups
    /// in stage order, and after a failure no later append happens (the instance needs recovery).
    /// </summary>
    private void Sync(Timestamp upTo)
    {
        lock (_journalGate)
        {
            ThrowIfFailed();
            if (upTo <= _syncedUpTo)
            {
                return; // a later group's sync already appended this one
            }

            List<(Timestamp LastTs, byte[] Record)> groups;
            Timestamp trimTo;
            lock (_unsyncedGate)
            {
                groups = [.. _unsynced];
                _unsynced.Clear();
                trimTo = _durableInMain <= _syncedUpTo ? _durableInMain : _syncedUpTo; // never a group of this append
            }

            Invariant.Assert(groups.Count > 0);
            Invariant.Assert(groups[^1].LastTs >= upTo);
            trimTo = trimTo > _trimmedUpTo ? trimTo : Timestamp.Zero;
            try
            {
                _journal.Append(groups, trimTo);
            }
            catch (SqliteException e)
            {
                Fail(e);
                throw new IOException($"SQLite failed while appending to the commit journal: {e.Message}", e);
            }

            _trimmedUpTo = Timestamp.Max2(_trimmedUpTo, trimTo);
            _syncedUpTo = groups[^1].LastTs;
        }
    }

    /// <summary>Records the first failure: writes stop until a new instance recovers.</summary>
    private void Fail(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new StorageFormatException($"The store needs recovery after an earlier failure: {failure.Message}");
        }
    }

    /// <summary>Commits the main file's open transaction, if any (no fsync: the journal has its groups).</summary>
    private void CommitMainLocked()
    {
        if (_sql.InOpenTransaction)
        {
            _sql.Commit();
        }

        _commitsInMainTransaction = 0;
        Invariant.Assert(!_sql.InOpenTransaction);
    }

    private void RememberGroup(IReadOnlyList<CommitRecord> commits)
    {
        foreach (var commit in commits)
        {
            foreach (var write in commit.Documents)
            {
                _newest.Wrote(write.Id, (long)commit.Ts.Value);
                if (write.Value is not null)
                {
                    Remember(write.Id, (long)commit.Ts.Value, write.Value); // a fresh version is likely read soon
                }
            }
        }
    }

    /// <summary>Checkpoints the main file; true if it completed (everything committed is then durable there).</summary>
    private bool Checkpoint()
    {
        _commitsSinceCheckpoint = 0;
        using var command = _connection.CreateCommand();
        command.CommandText = SqliteSchema.CheckpointMain;
        using var reader = command.ExecuteReader();
        Invariant.Assert(reader.Read());
        var busy = reader.GetInt64(0);
        var frames = reader.GetInt64(1);
        var done = reader.GetInt64(2);
        return busy == 0 && frames == done;
    }

    /// <summary>The UTF-8 Convex JSON of a commit's documents (null for a deletion): encoded once, for the
    /// journal's record and the main file's rows.</summary>
    private static byte[]?[] Json(CommitRecord commit)
    {
        var json = new byte[]?[commit.Documents.Count];
        for (var i = 0; i < json.Length; i++)
        {
            json[i] = commit.Documents[i].Value is { } value ? ConvexJson.EncodeToUtf8(value) : null;
        }

        return json;
    }
}
