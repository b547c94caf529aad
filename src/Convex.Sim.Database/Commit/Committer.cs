using Convex.Sim.Core;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Log;
using Convex.Sim.Runtime;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Commit;

/// <summary>
/// The single committer (TLA+ <c>Commit</c>), first stage of a two-stage pipeline. Requests queue up while the
/// committer is busy; the loop then takes every queued request as the next group (group commit: one fsync for all),
/// validates each against the write log and every earlier commit not yet published (OCC), assigns strictly increasing
/// timestamps, stages the group in persistence (<see cref="IPersistence.StageAsync"/>) and hands it to the
/// <see cref="SyncPump"/>, which makes it durable and only then publishes it (write log, latest timestamp, catalog)
/// and acknowledges it, strictly after the groups before it. So the next group is validated and staged while the
/// previous one's fsync runs. A persistence failure leaves the outcome unknown: the failing group and every group
/// staged after it are answered with <see cref="CommitOutcomeUnknownException"/> and the database stops.
/// </summary>
internal sealed class Committer
{
    private readonly Database _database;
    private readonly IRuntime _runtime;
    private readonly SyncPump _pump;
    private readonly Lock _gate = new();
    private readonly Queue<CommitRequest> _queue = new();
    private TaskCompletionSource? _wake;
    private bool _running;

    /// <summary>The last timestamp assigned (staged, perhaps not yet published); only the loop touches it.</summary>
    private Timestamp _lastAssigned;

    public Committer(Database database, IRuntime runtime)
    {
        _database = database;
        _runtime = runtime;
        _pump = new SyncPump(database, runtime);
    }

    public Task<Timestamp> CommitAsync(PreparedCommit commit, CancellationToken cancellationToken)
    {
        var request = new CommitRequest(commit);
        var start = false;
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _database.ThrowIfUnavailable();
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
            _ = _runtime.Spawn("committer", RunAsync, CancellationToken.None);
        }

        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Answers a group that will not be published with <paramref name="failure"/> (and the conflicts
    /// waiting for it with theirs: they were not applied either way).</summary>
    internal static void Fail(IRuntime runtime, StagedGroup group, CommitOutcomeUnknownException failure) =>
        Answer(runtime, [.. group.Members.Select(m => (Action)(() => m.Request.Completion.TrySetException(failure))),
            .. group.Conflicts]);

    internal static CommitOutcomeUnknownException Unknown(Exception e) => new(
        $"Persistence failed while committing; the commit may or may not have been applied: {e.Message}", e);

    /// <summary>
    /// Completes each caller's task in its own work item, so that callers' continuations (which start
    /// their next transaction inline) run in parallel rather than one after another, and never inside
    /// the committer's or the sync pump's loop, where they would delay the next group.
    /// </summary>
    internal static void Answer(IRuntime runtime, List<Action> answers)
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

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (group, wait) = TakeQueued();
            if (wait is not null)
            {
                await wait;
                if (_runtime.Buggify.Fires())
                {
                    // Linger before taking the group, so more commits queue up and share it.
                    await Task.Delay(TimeSpan.FromMilliseconds(_runtime.Random.NextInt(1, 20)), _runtime.Time, cancellationToken);
                }

                continue;
            }

            if (!_database.IsAvailable)
            {
                FailQueued(group); // the pump failed: nothing of this group was staged
                return;
            }

            if (!await StageAsync(group, cancellationToken))
            {
                FailQueued([]);
                return;
            }
        }
    }

    private bool QueueIsEmpty()
    {
        lock (_gate)
        {
            return _queue.Count == 0;
        }
    }

    /// <summary>Takes every queued request; with none queued, a task that completes when the next arrives.</summary>
    private (List<CommitRequest> Group, Task? Wait) TakeQueued()
    {
        lock (_gate)
        {
            List<CommitRequest> group = [.. _queue];
            _queue.Clear();
            if (group.Count > 0)
            {
                return (group, null);
            }

            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (group, _wake.Task);
        }
    }

    /// <summary>
    /// Validates a group, stages the accepted commits and hands them to the sync pump. Returns false when staging
    /// failed: the group's outcome is then unknown, the database stops, and so must the committer.
    /// </summary>
    private async Task<bool> StageAsync(List<CommitRequest> group, CancellationToken cancellationToken)
    {
        var unpublished = _pump.Unpublished(); // before the write log: a group published meanwhile is in the log
        var accepted = new List<AcceptedCommit>(group.Count);
        var answers = new List<Action>();
        var lastTs = Timestamp.Max2(_lastAssigned, _database.LatestTs);
        foreach (var request in group)
        {
            if (Validate(request.Commit, unpublished, accepted) is { } conflict)
            {
                answers.Add(() => request.Completion.TrySetException(conflict));
                continue;
            }

            var ts = Timestamp.Max2(lastTs.Succ(), Timestamp.FromUnixNanoseconds(_runtime.UnixNanoseconds));
            lastTs = ts;
            var record = new CommitRecord(ts, request.Commit.Documents, request.Commit.Indexes);
            accepted.Add(new AcceptedCommit(request, record, new WriteLogEntry(ts, request.Commit.Touched)));
        }

        if (accepted.Count == 0)
        {
            _pump.AnswerAfterPublished(answers);
            return true;
        }

        _lastAssigned = lastTs;
        var staged = new StagedGroup(accepted);
        staged.Conflicts.AddRange(answers);
        try
        {
            await _database.StageAsync([.. accepted.Select(a => a.Record)], cancellationToken);
        }
        catch (Exception e) when (e is ConvexException or IOException)
        {
            var unknown = Unknown(e);
            _database.MarkUnavailable(unknown);
            Fail(_runtime, staged, unknown);
            return false;
        }

        await _pump.AddAsync(staged, inline: QueueIsEmpty() && !_runtime.Buggify.Fires());
        return true;
    }

    /// <summary>TLA+ <c>Commit</c>'s validation: no commit after the snapshot wrote a key in the read set, whether
    /// published (the write log), staged and not yet published, or earlier in this group.</summary>
    private OccConflictException? Validate(
        PreparedCommit commit, StagedGroup[] unpublished, List<AcceptedCommit> earlierInGroup)
    {
        var conflict = _database.FirstConflict(commit);
        if (conflict is null && _database.Options.ValidateReadSets)
        {
            foreach (var group in unpublished)
            {
                conflict ??= StagedGroup.FirstConflict(group.Members, commit);
            }

            conflict ??= StagedGroup.FirstConflict(earlierInGroup, commit);
        }

        return conflict is { } ts
            ? new OccConflictException(
                $"Documents read from or written to by this mutation changed while it was running (conflict with the commit at {ts}).")
            : null;
    }

    /// <summary>After a failure: <paramref name="taken"/> (requests taken but not staged) and everything still queued.</summary>
    private void FailQueued(List<CommitRequest> taken)
    {
        List<CommitRequest> rest;
        lock (_gate)
        {
            rest = [.. _queue];
            _queue.Clear();
        }

        Answer(_runtime, [.. rest.Concat(taken).Select(request => (Action)(() => request.Completion.TrySetException(
            new DatabaseUnavailableException("The database stopped after a persistence failure; reopen it to recover."))))]);
    }
}
