using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Database.Errors;
using Convex.Sim.Database.Reads;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Sync.Subscriptions;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Sync;

/// <summary>
/// The live subscriptions of one deployment (convex-compat §7.2). Every subscribed query's read set
/// is kept in a per-index interval index. Whoever commits calls <see cref="NotifyCommitAsync"/>; the
/// manager reads the new commits from the write log, looks each written key up in the index and
/// marks exactly the subscriptions it falls into, waking only their sessions. So a commit costs
/// the same with 0 or 100,000 subscriptions it does not touch, and a slow client delays nobody.
///
/// Invariant: every commit up to <see cref="ProcessedTs"/> has been matched against every read set
/// tracked at that time; a read set tracked later, from an execution at an older timestamp, is
/// checked against the commits it missed when it is tracked. A session that claims work gets a
/// timestamp and the queries invalidated up to it, atomically.
/// Identical query executions (same function, arguments, identity and timestamp) share one run.
/// </summary>
public sealed class SubscriptionManager
{
    private readonly DatabaseEngine _database;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, SessionSubscriptions> _sessions = [];
    private readonly Dictionary<IndexId, RangeIndex<Subscription>> _index = [];
    private readonly Dictionary<(long Generation, string Key), Task<SharedQueryResult>> _shared = [];
    private readonly List<Subscription> _matches = [];
    private static readonly IReadOnlySet<Protocol.QueryId> NoQueries = new HashSet<Protocol.QueryId>();
    private Timestamp _processed;
    private Timestamp _sharedTs;
    private long _nextId;
    private long _generation;
    private long _requested;
    private long _sharedHits;

    public SubscriptionManager(DatabaseEngine database)
    {
        _database = database;
        _processed = database.LatestTs;
    }

    /// <summary>
    /// Whether a read set tracked late is checked against the commits it missed (see the class
    /// invariant). Always on; the concurrency tests switch it off to show that they catch the bug.
    /// </summary>
    internal bool CheckMissedCommits { get; init; } = true;

    /// <summary>Live sessions.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Tracked read-set intervals over all subscriptions.</summary>
    public int TrackedRanges
    {
        get
        {
            lock (_lock)
            {
                return _index.Values.Sum(i => i.Count);
            }
        }
    }

    /// <summary>Query executions the sessions asked for, and how many of them were served by another's run.</summary>
    public (long Requested, long Shared) QueryExecutions
    {
        get
        {
            lock (_lock)
            {
                return (_requested, _sharedHits);
            }
        }
    }

    /// <summary>Commits up to here have been matched against the subscriptions.</summary>
    public Timestamp ProcessedTs
    {
        get
        {
            lock (_lock)
            {
                return _processed;
            }
        }
    }

    /// <summary>The database has committed (up to at least <paramref name="ts"/>): marks the subscriptions the new commits touched.</summary>
    public Task NotifyCommitAsync(Timestamp ts)
    {
        lock (_lock)
        {
            CatchUp();
            Invariant.Assert(_processed >= ts || _database.LatestTs < ts);
        }

        return Task.CompletedTask;
    }

    /// <summary>A new deployment (or environment) is active: every subscription of every session is re-run.</summary>
    public Task NotifyDeployAsync(Timestamp ts)
    {
        lock (_lock)
        {
            CatchUp();
            _generation++;
            _shared.Clear();
            foreach (var session in _sessions.Values)
            {
                session.AllDirty = true;
                Signal(session);
            }
        }

        return Task.CompletedTask;
    }

    internal SessionSubscriptions Register()
    {
        lock (_lock)
        {
            var session = new SessionSubscriptions(this, _nextId++);
            _sessions.Add(session.Id, session);
            return session;
        }
    }

    internal void Unregister(SessionSubscriptions session)
    {
        lock (_lock)
        {
            foreach (var subscription in session.Subscriptions.Values)
            {
                RemoveRanges(subscription);
            }

            session.Subscriptions.Clear();
            var removed = _sessions.Remove(session.Id);
            Invariant.Assert(removed);
        }
    }

    /// <summary>
    /// Tracks the read set of an execution at <paramref name="executedAt"/> for a session's query,
    /// replacing what was tracked before. A null read set is never invalidated (a refused call).
    /// </summary>
    internal void Track(SessionSubscriptions session, Protocol.QueryId queryId, ReadSet? readSet, Timestamp executedAt)
    {
        lock (_lock)
        {
            if (!session.Subscriptions.TryGetValue(queryId, out var subscription))
            {
                subscription = new Subscription(session, queryId);
                session.Subscriptions.Add(queryId, subscription);
            }

            if (readSet is not null && SameRanges(subscription.Tracked, readSet))
            {
                // A re-run that read the same intervals (the common case): the index is unchanged.
                subscription.Tracked = readSet;
            }
            else
            {
                RemoveRanges(subscription);
                subscription.Tracked = readSet;
                AddRanges(subscription);
            }

            if (CheckMissedCommits && readSet is not null && executedAt < _processed && MissedCommit(readSet, executedAt))
            {
                MarkDirty(subscription);
            }
        }
    }

    private static bool SameRanges(ReadSet? tracked, ReadSet next)
    {
        if (tracked is null || tracked.Count != next.Count)
        {
            return false;
        }

        for (var i = 0; i < next.Count; i++)
        {
            var (index, range) = next.Ranges[i];
            var (trackedIndex, trackedRange) = tracked.Ranges[i];
            if (index != trackedIndex || !range.Start.AsSpan().SequenceEqual(trackedRange.Start)
                || (range.End is null) != (trackedRange.End is null)
                || (range.End is not null && !range.End.AsSpan().SequenceEqual(trackedRange.End)))
            {
                return false;
            }
        }

        return true;
    }

    private void AddRanges(Subscription subscription)
    {
        if (subscription.Tracked is not { } readSet)
        {
            return;
        }

        foreach (var (index, range) in readSet.Ranges)
        {
            if (range.IsEmpty)
            {
                continue;
            }

            if (!_index.TryGetValue(index, out var ranges))
            {
                ranges = new RangeIndex<Subscription>();
                _index.Add(index, ranges);
            }

            subscription.Handles.Add((index, ranges.Add(range.Start, range.End, subscription)));
        }
    }

    internal void Untrack(SessionSubscriptions session, Protocol.QueryId queryId)
    {
        lock (_lock)
        {
            if (session.Subscriptions.Remove(queryId, out var subscription))
            {
                RemoveRanges(subscription);
            }

            session.Dirty.Remove(queryId);
        }
    }

    /// <summary>
    /// Matches all published commits, then hands the session the timestamp it may move to and the
    /// queries invalidated up to it (clearing them).
    /// </summary>
    internal (Timestamp Ts, IReadOnlySet<Protocol.QueryId> Dirty, bool All) Claim(SessionSubscriptions session)
    {
        lock (_lock)
        {
            CatchUp();
            IReadOnlySet<Protocol.QueryId> dirty = session.Dirty.Count == 0 ? NoQueries : session.TakeDirty();
            var all = session.AllDirty;
            session.AllDirty = false;
            session.Signalled = false;
            return (_processed, dirty, all);
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> unless an identical execution at the same timestamp under the
    /// same deployment is running or done, in which case its result is shared.
    /// </summary>
    internal async Task<SharedQueryResult> RunSharedAsync(
        string key, Timestamp ts, Func<Task<SharedQueryResult>> run)
    {
        TaskCompletionSource<SharedQueryResult>? owner = null;
        Task<SharedQueryResult>? shared;
        (long, string) fullKey;
        lock (_lock)
        {
            _requested++;
            if (ts > _sharedTs)
            {
                _shared.Clear();
                _sharedTs = ts;
            }

            fullKey = (_generation, key);
            if (ts != _sharedTs)
            {
                shared = null;
            }
            else if (_shared.TryGetValue(fullKey, out shared))
            {
                _sharedHits++;
            }
            else
            {
                // Continuations run inline on the completing thread (never asynchronously: the
                // simulator runs everything on its own loop); waiters yield right after.
                owner = new TaskCompletionSource<SharedQueryResult>();
                shared = owner.Task;
                _shared.Add(fullKey, shared);
            }
        }

        if (shared is null)
        {
            return await run();
        }

        if (owner is null)
        {
            if (shared.IsCompleted)
            {
                return await shared; // done already: no hop
            }

            var result = await shared;
            await Task.Yield(); // let the other waiters go on in parallel rather than inside SetResult
            return result;
        }

        try
        {
            var result = await run();
            owner.SetResult(result);
            return result;
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                // Only this run's entry (the cache may have moved on to a newer timestamp or deployment).
                if (_shared.TryGetValue(fullKey, out var entry) && entry == owner.Task)
                {
                    _shared.Remove(fullKey);
                }
            }

            owner.SetException(e);
            throw;
        }
    }

    /// <summary>Waits until there is work; no token (see <c>SyncSession.EnterGateAsync</c>): the session releases the signal to stop.</summary>
    internal static Task WaitForWorkAsync(SessionSubscriptions session) => session.Signal.WaitAsync();

    private bool MissedCommit(ReadSet readSet, Timestamp executedAt)
    {
        try
        {
            return _database.ChangedBetween(readSet, executedAt, _processed);
        }
        catch (OutOfRetentionException)
        {
            return true; // too old to tell: re-run; an unchanged result is not resent
        }
    }

    /// <summary>Matches the commits after <see cref="_processed"/> against the index. Holding the lock.</summary>
    private void CatchUp()
    {
        var latest = _database.LatestTs;
        if (latest <= _processed)
        {
            return;
        }

        IReadOnlyList<Database.Log.WriteLogEntry> commits;
        try
        {
            commits = _database.CommitsBetween(_processed, latest);
        }
        catch (OutOfRetentionException)
        {
            foreach (var session in _sessions.Values)
            {
                session.AllDirty = true;
                Signal(session);
            }

            _processed = latest;
            return;
        }

        foreach (var commit in commits)
        {
            foreach (var key in commit.Keys)
            {
                if (_index.TryGetValue(key.Index, out var ranges))
                {
                    _matches.Clear();
                    ranges.Stab(key.Key, _matches);
                    foreach (var subscription in _matches)
                    {
                        MarkDirty(subscription);
                    }
                }
            }
        }

        _processed = latest;
    }

    private static void MarkDirty(Subscription subscription)
    {
        subscription.Session.Dirty.Add(subscription.QueryId);
        Signal(subscription.Session);
    }

    private static void Signal(SessionSubscriptions session)
    {
        if (!session.Signalled)
        {
            session.Signalled = true;
            session.Signal.Release();
        }
    }

    private void RemoveRanges(Subscription subscription)
    {
        foreach (var (index, handle) in subscription.Handles)
        {
            _index[index].Remove(handle);
        }

        subscription.Handles.Clear();
        subscription.Tracked = null;
    }
}
