using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Log;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The write path, in steps that may overlap (<see cref="IPersistence.StageAsync"/>, <see cref="IPersistence.SyncAsync"/>):
/// staging queues a group's journal record and its rows, and writes the queued rows into the main file's open
/// transaction if the main connection is free (else its next user does); syncing appends every queued record to the
/// commit journal, whose commit is their durability point (under the journal lock, so reads and the next group's
/// staging proceed during the fsync).
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

    /// <summary>
    /// Queues the group (its place in the write order is fixed here), then writes the queue into the main file unless
    /// the main connection is busy: a batch commit or checkpoint in <see cref="MaintainAsync"/> must not hold up commits.
    /// </summary>
    private void Stage(IReadOnlyList<CommitRecord> commits)
    {
        Invariant.Assert(commits.Count > 0);
        var json = commits.Select(Json).ToArray(); // outside the locks: reads may proceed meanwhile
        var record = LogRecordCodec.Encode(commits, json);
        lock (_queueGate)
        {
            Invariant.Assert(_recovered);
            ThrowIfFailed();
            Invariant.Assert(commits[0].Ts > _staged);
            _staged = commits[^1].Ts;
            _unsynced.Enqueue((_staged, record));
            _pending.Enqueue(new PendingGroup(commits, json));
        }

        if (_gate.TryEnter())
        {
            try
            {
                ApplyPendingLocked();
            }
            finally
            {
                _gate.Exit();
            }
        }
    }

    /// <summary>
    /// Writes every queued group into the main file's open transaction, oldest first; every user of the main connection
    /// calls this first, so reads see every group staged before them. After a failure of the main file its open
    /// transaction is never committed, so the main file only ever commits whole groups. It may commit a group whose
    /// journal append is still to come (a batch commit, a checkpoint, pruning): if that append then fails, the group's
    /// outcome was unknown anyway, and the group is there whole or not at all.
    /// </summary>
    private void ApplyPendingLocked()
    {
        if (_mainFailed)
        {
            throw new IOException("The main SQLite file failed earlier; the store needs recovery (reopen it).");
        }

        PendingGroup[] groups;
        lock (_queueGate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            groups = [.. _pending];
            _pending.Clear();
        }

        OnMain("writing a commit group", () =>
        {
            foreach (var group in groups)
            {
                WriteGroupLocked(group);
            }

            MaintainInlineIfOverdueLocked();
        });
    }

    private void WriteGroupLocked(PendingGroup group)
    {
        var commits = group.Commits;
        Invariant.Assert(commits[0].Ts > _applied);
        if (!_sql.InOpenTransaction)
        {
            Invariant.Assert(_commitsInMainTransaction == 0);
            _sql.Begin();
        }

        for (var i = 0; i < commits.Count; i++)
        {
            Invariant.Assert(i == 0 || commits[i].Ts > commits[i - 1].Ts);
            _sql.WriteCommit(commits[i], group.Json[i]);
        }

        _applied = commits[^1].Ts;
        RememberGroup(commits);
        Volatile.Write(ref _commitsInMainTransaction, _commitsInMainTransaction + commits.Count);
        Volatile.Write(ref _commitsSinceCheckpoint, _commitsSinceCheckpoint + commits.Count);
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
            lock (_queueGate)
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

    /// <summary>Runs a change of the main file; a SQLite failure leaves its open transaction in an unknown state, so the
    /// main connection serves nothing more and writes stop until recovery replays the journal.</summary>
    private void OnMain(string what, Action change)
    {
        try
        {
            change();
        }
        catch (SqliteException e)
        {
            _mainFailed = true;
            Fail(e);
            throw new IOException($"SQLite failed while {what}: {e.Message}", e);
        }
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

    /// <summary>A staged group waiting to be written into the main file, with its documents' JSON.</summary>
    private sealed record PendingGroup(IReadOnlyList<CommitRecord> Commits, byte[]?[][] Json);
}
