using Convex.Sim.Core;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Log;
using Convex.Sim.Runtime;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Commit;

/// <summary>
/// The single committer (TLA+ <c>Commit</c>). Requests queue up while a group is being made durable;
/// the loop then takes every queued request as the next group (group commit: one fsync for all),
/// validates each against the write log and the earlier members of its group (OCC), assigns strictly
/// increasing timestamps, writes the group atomically, and only then publishes it (write log, latest
/// timestamp, catalog) and acknowledges. A persistence failure leaves the outcome unknown: the group
/// is answered with <see cref="CommitOutcomeUnknownException"/> and the database stops.
/// </summary>
internal sealed class Committer(Database database, IRuntime runtime)
{
    private readonly Lock _gate = new();
    private readonly Queue<CommitRequest> _queue = new();
    private TaskCompletionSource? _wake;
    private bool _running;

    public Task<Timestamp> CommitAsync(PreparedCommit commit, CancellationToken cancellationToken)
    {
        var request = new CommitRequest(commit);
        var start = false;
        TaskCompletionSource? wake;
        lock (_gate)
        {
            database.ThrowIfUnavailable();
            _queue.Enqueue(request);
            wake = _wake;
            _wake = null;
            if (!_running)
            {
                _running = true;
                start = true;
            }
        }

        wake?.TrySetResult();
        if (start)
        {
            _ = runtime.Spawn("committer", RunAsync, CancellationToken.None);
        }

        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            List<CommitRequest> group;
            Task? wait = null;
            lock (_gate)
            {
                group = [.. _queue];
                _queue.Clear();
                if (group.Count == 0)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _wake.Task;
                }
            }

            if (wait is not null)
            {
                await wait;
                if (runtime.Buggify.Fires())
                {
                    // Linger before taking the group, so more commits queue up and share it.
                    await Task.Delay(TimeSpan.FromMilliseconds(runtime.Random.NextInt(1, 20)), runtime.Time, cancellationToken);
                }

                continue;
            }

            if (!await CommitGroupAsync(group, cancellationToken))
            {
                FailQueued();
                return;
            }
        }
    }

    /// <summary>Returns false when persistence failed and the committer must stop.</summary>
    private async Task<bool> CommitGroupAsync(List<CommitRequest> group, CancellationToken cancellationToken)
    {
        var accepted = new List<(CommitRequest Request, CommitRecord Record, WriteLogEntry Entry)>();
        var answers = new List<Action>();
        var lastTs = database.LatestTs;
        foreach (var request in group)
        {
            if (Validate(request.Commit, accepted.Select(a => a.Entry)) is { } conflict)
            {
                answers.Add(() => request.Completion.TrySetException(conflict));
                continue;
            }

            var ts = Timestamp.Max2(lastTs.Succ(), Timestamp.FromUnixNanoseconds(runtime.UnixNanoseconds));
            lastTs = ts;
            var record = new CommitRecord(ts, request.Commit.Documents, request.Commit.Indexes);
            accepted.Add((request, record, new WriteLogEntry(ts, request.Commit.Touched)));
        }

        if (accepted.Count == 0)
        {
            Answer(answers);
            return true;
        }

        try
        {
            await database.WriteAsync([.. accepted.Select(a => a.Record)], cancellationToken);
        }
        catch (Exception e) when (e is ConvexException or IOException)
        {
            var unknown = new CommitOutcomeUnknownException(
                $"Persistence failed while committing; the commit may or may not have been applied: {e.Message}", e);
            database.MarkUnavailable(unknown);
            answers.AddRange(accepted.Select(a => (Action)(() => a.Request.Completion.TrySetException(unknown))));
            Answer(answers);
            return false;
        }

        foreach (var a in accepted)
        {
            database.Publish(a.Entry, a.Request.Commit);
            answers.Add(() => a.Request.Completion.TrySetResult(a.Entry.Ts));
        }

        Answer(answers);
        return true;
    }

    /// <summary>
    /// Completes each caller's task in its own work item, so that callers' continuations (which start
    /// their next transaction inline) run in parallel rather than one after another, and never inside
    /// the committer's loop, where they would delay the next group.
    /// </summary>
    private void Answer(List<Action> answers)
    {
        foreach (var answer in answers)
        {
            _ = runtime.Spawn("acknowledge", _ =>
            {
                answer();
                return Task.CompletedTask;
            }, CancellationToken.None);
        }
    }

    /// <summary>TLA+ <c>Commit</c>'s validation: no commit after the snapshot wrote a key in the read set.</summary>
    private OccConflictException? Validate(PreparedCommit commit, IEnumerable<WriteLogEntry> earlierInGroup)
    {
        var conflict = database.FirstConflict(commit);
        if (conflict is null && database.Options.ValidateReadSets)
        {
            foreach (var entry in earlierInGroup)
            {
                if (entry.Keys.Any(k => commit.ReadSet.Contains(k.Index, k.Key)))
                {
                    conflict = entry.Ts;
                    break;
                }
            }
        }

        return conflict is { } ts
            ? new OccConflictException(
                $"Documents read from or written to by this mutation changed while it was running (conflict with the commit at {ts}).")
            : null;
    }

    private void FailQueued()
    {
        List<CommitRequest> rest;
        lock (_gate)
        {
            rest = [.. _queue];
            _queue.Clear();
        }

        Answer([.. rest.Select(request => (Action)(() => request.Completion.TrySetException(new DatabaseUnavailableException(
            "The database stopped after a persistence failure; reopen it to recover."))))]);
    }

    private sealed class CommitRequest(PreparedCommit commit)
    {
        public PreparedCommit Commit { get; } = commit;

        // Completed from an "acknowledge" work item spawned by the committer (never inline in the
        // committer's loop), and without RunContinuationsAsynchronously, which would hand non-await
        // continuations to the thread pool and break determinism in the simulator.
        public TaskCompletionSource<Timestamp> Completion { get; } = new();
    }
}
