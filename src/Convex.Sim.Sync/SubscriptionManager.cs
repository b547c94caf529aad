using Convex.Sim.Core;

namespace Convex.Sim.Sync;

/// <summary>
/// The live sync sessions of one deployment. Whoever commits (an HTTP mutation, a socket mutation,
/// an action, a push) calls <see cref="NotifyCommitAsync"/>, and every session re-runs the
/// subscribed queries the commit invalidated; nothing polls. Sessions are notified one after the
/// other in registration order, so the order of notifications is deterministic.
/// </summary>
public sealed class SubscriptionManager
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, SyncSession> _sessions = [];
    private long _nextId;

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

    /// <summary>Adds a session; dispose the result to remove it.</summary>
    public IDisposable Register(SyncSession session)
    {
        lock (_lock)
        {
            var id = _nextId++;
            _sessions.Add(id, session);
            Invariant.Assert(_sessions.ContainsKey(id));
            return new Registration(this, id);
        }
    }

    /// <summary>Tells every live session that the database has committed up to <paramref name="ts"/>.</summary>
    public async Task NotifyCommitAsync(Timestamp ts)
    {
        foreach (var session in Snapshot())
        {
            await session.OnCommitAsync(ts);
        }
    }

    /// <summary>Tells every live session that a new deployment is active (all queries re-run).</summary>
    public async Task NotifyDeployAsync(Timestamp ts)
    {
        foreach (var session in Snapshot())
        {
            await session.OnDeployAsync(ts);
        }
    }

    private List<SyncSession> Snapshot()
    {
        lock (_lock)
        {
            return [.. _sessions.Values];
        }
    }

    private void Remove(long id)
    {
        lock (_lock)
        {
            var removed = _sessions.Remove(id);
            Invariant.Assert(removed);
        }
    }

    private sealed class Registration(SubscriptionManager manager, long id) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                manager.Remove(id);
            }
        }
    }
}
