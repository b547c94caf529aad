using System.Runtime.CompilerServices;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Log;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The default persistence: a main SQLite file (WAL, <c>synchronous=NORMAL</c>) with the
/// multi-version tables, plus a commit journal (<see cref="CommitJournal"/>, WAL,
/// <c>synchronous=FULL</c>) that makes groups durable with one fsync of a few sequential pages
/// (group commit; see <see cref="SqliteSchema"/> for the format and why). A staged group is queued twice:
/// its journal record for the next sync, and its rows for the main file, which whoever next holds the main
/// connection writes into a transaction that stays open across about <see cref="MainCommitEveryCommits"/>
/// commits (staging itself when the connection is free, else the next read or <see cref="MaintainAsync"/>).
/// So staging never waits for the main file's batch commit or checkpoint, which
/// <see cref="MaintainAsync"/> runs off the commit path. Reads use the main connection after writing
/// every queued group into it, so they see every group staged before them.
/// Values are stored as Convex JSON. Reads keep two bounded memories, both correct under MVCC: decoded
/// document versions by (id, ts), which never change, and each document's newest version
/// (<see cref="NewestVersions"/>), which spares index scans a B-tree seek per row. Thread safety: one
/// lock guards the main connection, another the journal's, a third the queues; calls complete
/// synchronously. After a failed write the outcome is unknown and the instance refuses further writes (and,
/// if the main connection failed, reads) until a new instance recovers (the "fsyncgate" rule); the main
/// file's open transaction is then never committed (recovery replays its groups from the journal).
/// </summary>
public sealed partial class SqlitePersistence : IPersistence
{
    /// <summary>Commits between checkpoints of the main file; a checkpoint makes the main file durable up to that
    /// point, so the journal rows it covers can go. Counted in commits, not groups: the committer's pipeline stages
    /// small groups (often one commit) that share one journal fsync.</summary>
    public const int CheckpointEveryCommits = 4096;

    /// <summary>Commits written into one main-file transaction before it is committed (without an fsync:
    /// the journal already has them). A page that several groups dirty (a B-tree's inner pages, the
    /// last leaf of an append-only key) is then written to the main file's WAL once per batch, and the
    /// per-transaction work of the main file is paid once per batch. Counted in commits rather than
    /// groups so that a lone writer pays the batch's commit on fewer than 1% of its commits.</summary>
    public const int MainCommitEveryCommits = 2048;

    /// <summary>When nobody runs <see cref="MaintainAsync"/> (a caller of <see cref="WriteAsync"/> alone), writing
    /// into the main file commits the batch, and checkpoints, itself once this many times the thresholds have
    /// passed, so that the open transaction and the journal stay bounded.</summary>
    public const int InlineMaintenanceAfter = 4;

    /// <summary>Decoded document versions kept in memory. A version never changes once written, so
    /// the cache needs no invalidation; it is simply emptied when it grows past this size.</summary>
    public const int DecodedVersionsMax = 100_000;

    /// <summary>Guards the main connection and everything written only through it: reads, writing queued groups,
    /// batch commits, checkpoints, pruning. Order: <see cref="_gate"/>, then <see cref="_journalGate"/>, then
    /// <see cref="_queueGate"/>.</summary>
    private readonly Lock _gate = new();

    /// <summary>Guards the journal connection, <see cref="_syncedUpTo"/> and <see cref="_trimmedUpTo"/>: held across
    /// a sync's fsync, which therefore blocks neither reads nor staging. Never taken inside <see cref="_gate"/>
    /// except by recovery and closing.</summary>
    private readonly Lock _journalGate = new();

    /// <summary>Guards the two queues, <see cref="_staged"/> and <see cref="_durableInMain"/>; innermost, held briefly.</summary>
    private readonly Lock _queueGate = new();

    /// <summary>Staged groups' journal records, oldest first, not yet appended to the journal.</summary>
    private readonly Queue<(Timestamp LastTs, byte[] Record)> _unsynced = new();

    /// <summary>Staged groups not yet written into the main file's open transaction, oldest first.</summary>
    private readonly Queue<PendingGroup> _pending = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteStatements _sql;
    private readonly CommitJournal _journal;
    private readonly Dictionary<(DocumentId Id, long Ts), ConvexObject> _decoded = [];
    private readonly NewestVersions _newest = new();
    private readonly int _mainCommitEvery;
    private readonly int _checkpointEvery;
    private bool _recovered;
    private bool _disposed;
    private Exception? _failure;

    /// <summary>The main connection failed while writing: its open transaction may hold part of a group, so it
    /// answers no more reads (guarded by <see cref="_gate"/>).</summary>
    private bool _mainFailed;

    /// <summary>The last staged group's last commit (durable once <see cref="_syncedUpTo"/> reaches it).</summary>
    private Timestamp _staged;

    /// <summary>The main connection has every group up to here (in its open transaction or committed).</summary>
    private Timestamp _applied;

    /// <summary>The main file's committed transactions have every group up to here.</summary>
    private Timestamp _committedInMain;

    /// <summary>The journal (or the main file, at recovery) has every group up to here.</summary>
    private Timestamp _syncedUpTo;
    private int _commitsSinceCheckpoint;
    private int _commitsInMainTransaction;

    /// <summary>The main file is durable up to here; journal rows up to here are deleted with the next append.</summary>
    private Timestamp _durableInMain;
    private Timestamp _trimmedUpTo;

    /// <summary>The highest bound pruned to in this instance: reads below it may find index entries whose
    /// document version is gone (after a restart the database refuses such reads before they get here).</summary>
    private Timestamp _prunedTo;

    public SqlitePersistence(string path)
        : this(path, MainCommitEveryCommits, CheckpointEveryCommits)
    {
    }

    /// <summary>With other thresholds (tests cross them in fewer commits).</summary>
    internal SqlitePersistence(string path, int mainCommitEvery, int checkpointEvery)
    {
        Invariant.Assert(mainCommitEvery > 0 && checkpointEvery > 0);
        (_mainCommitEvery, _checkpointEvery) = (mainCommitEvery, checkpointEvery);
        _connection = SqliteSchema.Open(path);
        Execute(SqliteSchema.Pragmas);
        OpenFormat();
        _sql = new SqliteStatements(_connection);
        _journal = new CommitJournal(path + SqliteSchema.JournalSuffix);
    }

    /// <summary>Recovers: the main file's latest commit, then every journal group after it, replayed into
    /// the main file (a crash may have lost main-file transactions that were not yet checkpointed; the
    /// journal has every acknowledged group).</summary>
    public ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        lock (_journalGate)
        {
            Invariant.Assert(!_recovered);
            _recovered = true;
            var inMain = _sql.LatestCommit.ExecuteScalar() is long ts ? new Timestamp((ulong)ts) : Timestamp.Zero;
            _applied = inMain;
            var groups = _journal.GroupsAfter(inMain);
            if (groups.Count > 0)
            {
                _sql.InTransaction(() =>
                {
                    foreach (var (lastTs, blob) in groups)
                    {
                        var record = LogRecordCodec.TryDecode(blob, 0) ?? throw new StorageFormatException(
                            $"The commit journal's group ending at {lastTs} fails its checksum; the data directory is damaged.");
                        foreach (var commit in record.Commits.Where(c => c.Ts > _applied))
                        {
                            _sql.WriteCommit(commit, Json(commit));
                            _applied = commit.Ts;
                        }
                    }
                });
            }

            Invariant.Assert(_applied >= inMain);
            (_committedInMain, _syncedUpTo) = (_applied, _applied);
            lock (_queueGate)
            {
                _staged = _applied;
            }

            return ValueTask.FromResult(_applied);
        }
    }

    public async IAsyncEnumerable<CommitRecord> LoadCommitsAsync(
        Timestamp after, Timestamp upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<CommitRecord> commits;
        lock (_gate)
        {
            ApplyPendingLocked();
            commits = _sql.LoadCommits(after, upTo);
        }

        foreach (var commit in commits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return commit;
        }

        await Task.CompletedTask;
    }

    public ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken)
    {
        Invariant.Assert(limit > 0);
        lock (_gate)
        {
            Invariant.Assert(_recovered);
            if (Volatile.Read(ref _failure) is not null || _disposed)
            {
                return ValueTask.FromResult(0); // retention may still be running while the server shuts down
            }

            _prunedTo = Timestamp.Max2(_prunedTo, bound);
            ApplyPendingLocked();
            Invariant.Assert(bound <= _applied);
            CommitMainLocked(); // pruning runs in a transaction of its own

            var removed = 0;
            _sql.InTransaction(() => removed = _sql.Prune(bound, limit));
            Invariant.Assert(removed <= limit);
            return ValueTask.FromResult(removed);
        }
    }

    /// <summary>Closes the files as a crash would: no checkpoint, the journal left as it is (tests).</summary>
    internal void CloseAbruptly()
    {
        lock (_gate)
        lock (_journalGate)
        {
            Invariant.Assert(!_disposed);
            Fail(new InvalidOperationException("closed abruptly"));
            _disposed = true;
            _sql.Dispose();
            _connection.Dispose(); // rolls back the main file's open transaction, as a crash loses it
            _journal.Dispose();
        }
    }

    /// <summary>Closes the files. After a clean run the main file is checkpointed and the journal emptied,
    /// so the main file alone is complete (as format version 1 readers expect).</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        lock (_journalGate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            if (_recovered && Volatile.Read(ref _failure) is null)
            {
                ApplyPendingLocked();
                CommitMainLocked();
                if (CheckpointLocked())
                {
                    _journal.Clear();
                }
            }

            _disposed = true;
            _sql.Dispose();
            _connection.Dispose(); // after a failure, this rolls back the open transaction: recovery replays it
            _journal.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Checks the main file's format version; creates or migrates as needed.</summary>
    private void OpenFormat()
    {
        if (Scalar(SqliteSchema.HasMeta) == 0)
        {
            // Fresh, or format version 1: the same main tables without meta or journal.
            Execute(SqliteSchema.Create);
            Execute(SqliteSchema.CreateMeta);
            return;
        }

        var version = Scalar(SqliteSchema.ReadFormatVersion);
        if (version != SqliteSchema.FormatVersion)
        {
            throw new StorageFormatException(
                $"The data file has format version {version}; this build reads version {SqliteSchema.FormatVersion}.");
        }

        Execute(SqliteSchema.Create);
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
