using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Log;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>The write path: a group into the main file's open transaction, then appended to the commit journal (its durability point).</summary>
public sealed partial class SqlitePersistence
{
    public ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        Invariant.Assert(commits.Count > 0);
        var json = commits.Select(Json).ToArray(); // outside the lock: reads may proceed meanwhile
        var record = LogRecordCodec.Encode(commits, json);
        lock (_gate)
        {
            Invariant.Assert(_recovered);
            if (_failure is not null)
            {
                throw new StorageFormatException($"The store needs recovery after an earlier failure: {_failure.Message}");
            }

            try
            {
                WriteGroupLocked(commits, json, record);
            }
            catch (SqliteException e)
            {
                _failure = e;
                throw new IOException($"SQLite failed while writing a commit group: {e.Message}", e);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes a group into the main file's open transaction, then appends it to the journal, whose commit
    /// is the group's durability point (one fsync). After a failure the main file's open transaction is
    /// never committed, so the main file only ever commits groups the journal already has.
    /// </summary>
    private void WriteGroupLocked(IReadOnlyList<CommitRecord> commits, byte[]?[][] json, byte[] record)
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

        var trimTo = _durableInMain > _trimmedUpTo ? _durableInMain : Timestamp.Zero;
        _journal.Append(last, record, trimTo);
        _trimmedUpTo = Timestamp.Max2(_trimmedUpTo, trimTo);
        _latest = last;
        RememberGroup(commits);
        _commitsInMainTransaction += commits.Count;
        if (_commitsInMainTransaction >= MainCommitEveryCommits)
        {
            CommitMainLocked();
        }

        if (++_groupsSinceCheckpoint >= CheckpointEveryGroups)
        {
            CommitMainLocked();
            if (Checkpoint())
            {
                _durableInMain = last;
            }
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
        _groupsSinceCheckpoint = 0;
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
