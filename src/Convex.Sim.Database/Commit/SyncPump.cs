using Convex.Sim.Core;
using Convex.Sim.Database.Errors;
using Convex.Sim.Runtime;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Commit;

/// <summary>
/// The second stage of the commit pipeline: makes staged groups durable, then publishes and acknowledges them, in
/// stage order. One <see cref="IPersistence.SyncAsync"/> at a time, each covering every group staged by the time it
/// starts, run back to back in one work item for as long as groups wait. So the next sync starts as soon as the
/// previous one returns (not once a fresh work item gets a thread: on a busy thread pool that wait was a large part
/// of each group's cycle), groups staged during one sync share the next, and the committer validates and stages
/// meanwhile. That work item blocks in fsyncs, so it starts with <see cref="IRuntime.SpawnBlocking"/>. After
/// publishing, it starts persistence upkeep if due (<see cref="Database.MaintainIfDue"/>). After a failed sync every waiting group, and every group added later, is answered with
/// <see cref="CommitOutcomeUnknownException"/> (the contract fails them too) and the database stops.
/// </summary>
internal sealed class SyncPump(Database database, IRuntime runtime)
{
    private readonly Lock _gate = new();

    /// <summary>Staged groups not yet published, oldest first. A group leaves only after it is published, so a
    /// validation that reads this list and then the write log misses none of them.</summary>
    private readonly List<StagedGroup> _unpublished = [];
    private Timestamp _lastAdded;
    private CommitOutcomeUnknownException? _failure;
    private bool _running;

    /// <summary>The staged groups not yet published, oldest first (a snapshot).</summary>
    public StagedGroup[] Unpublished()
    {
        lock (_gate)
        {
            return [.. _unpublished];
        }
    }

    /// <summary>Delivers <paramref name="answers"/> once every group staged so far is published (at once if none
    /// is waiting); see <see cref="StagedGroup.Conflicts"/>.</summary>
    public void AnswerAfterPublished(List<Action> answers)
    {
        lock (_gate)
        {
            if (_unpublished.Count > 0)
            {
                _unpublished[^1].Conflicts.AddRange(answers);
                return;
            }
        }

        Committer.Answer(runtime, answers);
    }

    /// <summary>
    /// Hands a staged group over. When the pump is idle and <paramref name="inline"/>, the caller runs the pump itself
    /// and returns once the group is published: with nothing else to overlap (a lone writer), that spares a work item's
    /// hand-over on the way to the fsync. Otherwise the pump runs, or starts, in a work item of its own.
    /// </summary>
    public Task AddAsync(StagedGroup group, bool inline)
    {
        var start = false;
        CommitOutcomeUnknownException? failure;
        lock (_gate)
        {
            Invariant.Assert(group.LastTs > _lastAdded);
            _lastAdded = group.LastTs;
            failure = _failure;
            if (failure is null)
            {
                _unpublished.Add(group);
                start = !_running;
                _running = true;
            }
        }

        if (failure is not null)
        {
            Committer.Fail(runtime, group, failure);
        }
        else if (start && inline)
        {
            return RunAsync(CancellationToken.None);
        }
        else if (start)
        {
            _ = runtime.SpawnBlocking("sync", RunAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Timestamp upTo;
            lock (_gate)
            {
                Invariant.Assert(_running);
                if (_unpublished.Count == 0)
                {
                    _running = false;
                    return;
                }

                upTo = _lastAdded;
            }

            try
            {
                await database.SyncAsync(upTo, cancellationToken);
            }
            catch (Exception e) when (e is ConvexException or IOException)
            {
                FailWaiting(Committer.Unknown(e));
                return;
            }

            PublishUpTo(upTo);
        }
    }

    /// <summary>Publishes and acknowledges the groups up to <paramref name="upTo"/>, now durable, oldest first.</summary>
    private void PublishUpTo(Timestamp upTo)
    {
        var published = 0;
        while (true)
        {
            StagedGroup group;
            lock (_gate)
            {
                if (_unpublished.Count == 0 || _unpublished[0].LastTs > upTo)
                {
                    break;
                }

                group = _unpublished[0];
            }

            var answers = new List<Action>(group.Members.Count);
            foreach (var member in group.Members)
            {
                database.Publish(member.Entry, member.Request.Commit);
                var ts = member.Entry.Ts;
                answers.Add(() => member.Request.Completion.TrySetResult(ts));
            }

            lock (_gate)
            {
                _unpublished.RemoveAt(0); // only after the write log has it: validations must see it in one or the other
                answers.AddRange(group.Conflicts); // no more are added once it has left
            }

            Committer.Answer(runtime, answers);
            published++;
        }

        Invariant.Assert(published > 0);
        database.MaintainIfDue();
    }

    private void FailWaiting(CommitOutcomeUnknownException failure)
    {
        database.MarkUnavailable(failure);
        List<StagedGroup> failed;
        lock (_gate)
        {
            _failure = failure;
            failed = [.. _unpublished];
            _unpublished.Clear();
            _running = false;
        }

        foreach (var group in failed)
        {
            Committer.Fail(runtime, group, failure);
        }
    }
}
