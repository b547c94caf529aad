using Convex.Sim.Core;
using Convex.Sim.Database.Log;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Commit;

/// <summary>A commit request as queued for the committer.</summary>
internal sealed class CommitRequest(PreparedCommit commit)
{
    public PreparedCommit Commit { get; } = commit;

    // Completed from an "acknowledge" work item spawned by the committer (never inline in the
    // committer's loop), and without RunContinuationsAsynchronously, which would hand non-await
    // continuations to the thread pool and break determinism in the simulator.
    public TaskCompletionSource<Timestamp> Completion { get; } = new();
}

/// <summary>A request that passed validation, with its timestamp, its record for persistence and its write-log entry.</summary>
internal readonly record struct AcceptedCommit(CommitRequest Request, CommitRecord Record, WriteLogEntry Entry);

/// <summary>
/// A group staged in persistence and handed to the <see cref="SyncPump"/>, which publishes and acknowledges it once
/// durable. Until then the committer validates later commits against it, as it would against the write log.
/// </summary>
internal sealed class StagedGroup
{
    public StagedGroup(IReadOnlyList<AcceptedCommit> members)
    {
        Invariant.Assert(members.Count > 0);
        Members = members;
    }

    public IReadOnlyList<AcceptedCommit> Members { get; }

    /// <summary>Answers to commits that failed validation while this group was the latest staged one: delivered once
    /// it is published (or has failed), as before the pipeline, so that a retry's snapshot includes the write it
    /// conflicted with instead of conflicting again at once. Guarded by the sync pump's lock once added to it.</summary>
    public List<Action> Conflicts { get; } = [];

    public Timestamp LastTs => Members[^1].Entry.Ts;

    /// <summary>The first member that wrote a key inside <paramref name="commit"/>'s read set: a conflict, as
    /// the group commits before the commit being validated.</summary>
    public static Timestamp? FirstConflict(IReadOnlyList<AcceptedCommit> members, PreparedCommit commit)
    {
        foreach (var member in members)
        {
            foreach (var key in member.Entry.Keys)
            {
                if (commit.ReadSet.Contains(key.Index, key.Key))
                {
                    Invariant.Assert(member.Entry.Ts > commit.SnapshotTs);
                    return member.Entry.Ts;
                }
            }
        }

        return null;
    }
}
