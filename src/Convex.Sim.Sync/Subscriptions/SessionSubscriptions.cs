using Convex.Sim.Core.Ids;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync.Subscriptions;

/// <summary>
/// One session's part of the <see cref="SubscriptionManager"/>: its tracked queries and the ones
/// invalidated since it last claimed work. All fields are guarded by the manager's lock, except
/// <see cref="Signal"/>, which the session awaits.
/// </summary>
internal sealed class SessionSubscriptions(SubscriptionManager manager, long id) : IDisposable
{
    private int _disposed;

    public long Id { get; } = id;

    public SubscriptionManager Manager { get; } = manager;

    public Dictionary<QueryId, Subscription> Subscriptions { get; } = [];

    /// <summary>Invalidated queries, in query-id order (so re-runs happen in a deterministic order).</summary>
    public SortedSet<QueryId> Dirty { get; private set; } = new(QueryOrder);

    private static readonly Comparer<QueryId> QueryOrder = Comparer<QueryId>.Create((a, b) => a.Value.CompareTo(b.Value));

    /// <summary>Hands over the invalidated queries and starts an empty set (a swap, not a copy).</summary>
    public SortedSet<QueryId> TakeDirty()
    {
        var taken = Dirty;
        Dirty = new SortedSet<QueryId>(QueryOrder);
        return taken;
    }

    /// <summary>Every query must be re-run (a new deployment, or commits too old to match).</summary>
    public bool AllDirty { get; set; }

    /// <summary>Whether <see cref="Signal"/> has been released since the last claim.</summary>
    public bool Signalled { get; set; }

    /// <summary>Released (at most once per claim) when there is work for the session.</summary>
    public SemaphoreSlim Signal { get; } = new(0);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Manager.Unregister(this);
        }
    }
}

/// <summary>A tracked query: its owner and the interval handles of its read set.</summary>
internal sealed class Subscription(SessionSubscriptions session, QueryId queryId)
{
    public SessionSubscriptions Session { get; } = session;

    public QueryId QueryId { get; } = queryId;

    public List<(IndexId Index, object Handle)> Handles { get; } = [];

    /// <summary>The read set whose intervals <see cref="Handles"/> hold (null: none).</summary>
    public Database.Reads.ReadSet? Tracked { get; set; }
}
