using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Runtime.Disk;
using Convex.Sim.Storage.Memory;

namespace Convex.Sim.Storage.Log;

/// <summary>
/// A log-structured persistence over the <see cref="IDisk"/> seam: every group is one checksummed
/// record appended to <c>commits.log</c> (staging) and synced before it is durable (a sync covers every
/// record written before it, so groups become durable in order); reads are served from a <see cref="MemoryPersistence"/> rebuilt from the log at recovery.
/// Recovery stops at the first torn or corrupt record and truncates the tail, so a group is either
/// wholly there or not at all. After a failed write or sync the outcome is unknown, so the instance
/// refuses further writes until a new instance recovers (the "fsyncgate" rule). The incarnations on
/// one disk may share a <see cref="LogRecordMemo"/> so that recovery does not decode the same
/// records again at every boot.
/// </summary>
public sealed class LogPersistence(IDisk disk, LogRecordMemo? memo = null) : IPersistence
{
    public const string FileName = "commits.log";

    private readonly MemoryPersistence _memory = new();
    private IDiskFile? _file;
    private readonly SemaphoreSlim _syncing = new(1, 1);
    private long _end;

    /// <summary>The last commit written to the log, and the last one synced (durable).</summary>
    private Timestamp _staged;
    private Timestamp _synced;
    private Exception? _failure;

    public async ValueTask<Timestamp> RecoverAsync(CancellationToken cancellationToken)
    {
        Invariant.Assert(_file is null);
        var file = await disk.OpenAsync(FileName, cancellationToken);
        var log = new byte[file.Length];
        var read = 0;
        while (read < log.Length)
        {
            var n = await file.ReadAsync(read, log.AsMemory(read), cancellationToken);
            Invariant.Assert(n > 0);
            read += n;
        }

        var offset = 0;
        while (LogRecordCodec.TryDecode(log, offset, memo) is { } record)
        {
            foreach (var commit in record.Commits)
            {
                _memory.Apply(commit);
            }

            offset += record.Length;
        }

        if (offset < log.Length)
        {
            await file.TruncateAsync(offset, cancellationToken); // drop the torn tail before appending
            await file.SyncAsync(cancellationToken);
        }

        _file = file;
        _end = offset;
        (_staged, _synced) = (_memory.Latest, _memory.Latest);
        return _memory.Latest;
    }

    public async ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        await StageAsync(commits, cancellationToken);
        await SyncAsync(commits[^1].Ts, cancellationToken);
    }

    /// <summary>Appends the group's record (not synced) and applies it to the read side, where reads at
    /// timestamps up to the latest synced group cannot see it.</summary>
    public async ValueTask StageAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        Invariant.Assert(_file is not null);
        Invariant.Assert(commits[0].Ts > _staged);
        ThrowIfFailed();
        var record = LogRecordCodec.Encode(commits);
        try
        {
            await _file!.WriteAsync(_end, record, cancellationToken);
        }
        catch (DiskIOException e)
        {
            _failure ??= e;
            throw;
        }

        _end += record.Length;
        _staged = commits[^1].Ts;
        await _memory.WriteAsync(commits, cancellationToken);
    }

    /// <summary>
    /// Syncs the log, which makes every record written before the sync durable (a crash keeps a prefix of the
    /// log: recovery stops at the first torn record). One sync at a time: a sync that waited finds its group
    /// synced by the one before it, or syncs everything staged by then.
    /// </summary>
    public async ValueTask SyncAsync(Timestamp upTo, CancellationToken cancellationToken)
    {
        Invariant.Assert(upTo <= _staged);
        await _syncing.WaitAsync(cancellationToken);
        try
        {
            ThrowIfFailed();
            if (upTo <= _synced)
            {
                return;
            }

            var target = _staged;
            try
            {
                await _file!.SyncAsync(cancellationToken);
            }
            catch (DiskIOException e)
            {
                _failure ??= e;
                throw;
            }

            _synced = target;
        }
        finally
        {
            _syncing.Release();
        }
    }

    public ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken) =>
        _memory.GetAsync(id, at, cancellationToken);

    public ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken) =>
        _memory.ScanAsync(index, range, at, order, limit, cancellationToken);

    public IAsyncEnumerable<CommitRecord> LoadCommitsAsync(Timestamp after, Timestamp upTo, CancellationToken cancellationToken) =>
        _memory.LoadCommitsAsync(after, upTo, cancellationToken);

    /// <summary>Prunes the in-memory read side only: the log keeps every group, so recovery brings pruned
    /// versions back (harmless: the database refuses reads below its retention bound). Log compaction is
    /// not implemented.</summary>
    public ValueTask<int> PruneAsync(Timestamp bound, int limit, CancellationToken cancellationToken) =>
        _memory.PruneAsync(bound, limit, cancellationToken);

    public ValueTask DisposeAsync() => _file?.DisposeAsync() ?? ValueTask.CompletedTask;

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new DiskIOException($"the log needs recovery after an earlier failure: {_failure.Message}");
        }
    }
}
