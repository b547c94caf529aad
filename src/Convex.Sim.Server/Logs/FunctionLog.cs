using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;

namespace Convex.Sim.Server.Logs;

/// <summary>One recorded execution and the cursor that orders it in the stream.</summary>
/// <param name="Cursor">Milliseconds since the epoch, strictly increasing across entries.</param>
/// <param name="CompletedAt">When the execution finished (the entry's <c>timestamp</c>).</param>
internal sealed record FunctionLogEntry(double Cursor, DateTimeOffset CompletedAt, FunctionExecution Execution);

/// <summary>What a poll of the log stream got: entries after its cursor and where to continue.</summary>
internal sealed record FunctionLogBatch(IReadOnlyList<FunctionLogEntry> Entries, double NewCursor);

/// <summary>
/// The recent executions of user functions, for <c>GET /api/stream_function_logs</c> (convex-compat
/// §6.9.2): a bounded in-memory ring, like the official backend's function log, fed by the runner's
/// observer (HTTP calls, sync-protocol calls, functions run by actions alike). Cursors are
/// milliseconds since the epoch, made strictly increasing, so that an entry is never skipped or
/// delivered twice even when several finish within one millisecond or the clock steps back.
/// </summary>
internal sealed class FunctionLog(TimeProvider time) : IFunctionExecutionObserver
{
    /// <summary>Entries kept; the oldest are dropped first.</summary>
    public const int EntriesMax = 4096;

    /// <summary>
    /// Characters of log lines and errors kept in all: one execution may log 256 lines of 32 KiB,
    /// so the entry count alone would not bound the memory.
    /// </summary>
    public const long TextCharsMax = 32L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Queue<FunctionLogEntry> _entries = new();
    // Invariant: every entry's cursor is at most _lastCursor, and every cursor handed out as a head
    // is at most _lastCursor; the next entry gets a larger one.
    private double _lastCursor;
    private long _textChars;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public void OnExecuted(FunctionExecution execution)
    {
        var completedAt = time.GetUtcNow();
        TaskCompletionSource appended;
        lock (_lock)
        {
            var cursor = Math.Max(completedAt.ToUnixTimeMilliseconds(), _lastCursor + 1);
            Invariant.Assert(cursor > _lastCursor);
            _lastCursor = cursor;
            _entries.Enqueue(new FunctionLogEntry(cursor, completedAt, execution));
            _textChars += TextChars(execution);
            // The newest entry always stays, whatever its size.
            while (_entries.Count > 1 && (_entries.Count > EntriesMax || _textChars > TextCharsMax))
            {
                _textChars -= TextChars(_entries.Dequeue().Execution);
            }

            Invariant.Assert(_textChars >= 0);

            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        appended.SetResult();
    }

    private static long TextChars(FunctionExecution execution) =>
        execution.LogLines.Sum(l => (long)l.Length) + (execution.Error?.Length ?? 0);

    /// <summary>
    /// The entries after <paramref name="cursor"/>. Cursor 0 is the CLI's first call, which only
    /// wants the head: it is answered at once, with the entries kept so far. Otherwise, when there
    /// is nothing new, waits up to <paramref name="hold"/> for an entry (or until cancelled) and then
    /// answers empty with the same cursor, as the official backend does.
    /// </summary>
    public async Task<FunctionLogBatch> ReadAsync(double cursor, TimeSpan hold, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + hold;
        while (true)
        {
            Task appended;
            lock (_lock)
            {
                var entries = _entries.Where(e => e.Cursor > cursor).ToList();
                if (entries.Count > 0)
                {
                    Invariant.Assert(entries[^1].Cursor == _entries.Last().Cursor);
                    return new FunctionLogBatch(entries, entries[^1].Cursor);
                }

                if (cursor <= 0)
                {
                    _lastCursor = Math.Max(_lastCursor, time.GetUtcNow().ToUnixTimeMilliseconds());
                    return new FunctionLogBatch([], _lastCursor);
                }

                appended = _appended.Task;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return new FunctionLogBatch([], cursor);
            }

            try
            {
                await appended.WaitAsync(remaining, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return new FunctionLogBatch([], cursor);
            }
        }
    }
}
