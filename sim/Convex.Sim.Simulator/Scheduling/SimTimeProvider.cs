using Convex.Sim.Core;

namespace Convex.Sim.Simulator.Scheduling;

/// <summary>
/// The virtual clock. It moves only when the loop has nothing ready and jumps to the next timer.
/// Timers created here (by <c>Task.Delay</c>, <c>WaitAsync</c>, <c>CancellationTokenSource</c>,
/// <c>PeriodicTimer</c> given this provider) fire as work items of the node that created them.
/// </summary>
internal sealed class SimTimeProvider(SimLoop loop, DateTimeOffset epoch) : TimeProvider
{
    private DateTimeOffset _now = epoch;

    public DateTimeOffset Epoch { get; } = epoch;

    public TimeSpan Elapsed => _now - Epoch;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now.UtcTicks;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        loop.AssertOnLoopThread();
        var context = SynchronizationContext.Current as SimContext ?? loop.Driver.Context;
        var timer = new SimTimer(loop, this, context, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    internal void AdvanceTo(DateTimeOffset at)
    {
        Invariant.Assert(at >= _now);
        _now = at;
    }
}

/// <summary>A timer of the virtual clock. Re-arming or disposing invalidates earlier armings.</summary>
internal sealed class SimTimer(SimLoop loop, SimTimeProvider time, SimContext context, TimerCallback callback, object? state)
    : ITimer
{
    private long _sequence = -1;
    private TimeSpan _period = Timeout.InfiniteTimeSpan;
    private bool _disposed;

    public SimContext Context { get; } = context;

    public bool IsCurrent(long sequence) => !_disposed && sequence == _sequence;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed)
        {
            return false;
        }

        _period = period;
        _sequence = -1;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Invariant.Assert(dueTime >= TimeSpan.Zero);
            _sequence = loop.AddTimer(this, time.GetUtcNow() + dueTime);
        }

        return true;
    }

    public void Fire(long sequence)
    {
        if (!IsCurrent(sequence))
        {
            return;
        }

        if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
        {
            _sequence = loop.AddTimer(this, time.GetUtcNow() + _period);
        }

        callback(state);
    }

    public void Dispose() => _disposed = true;

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
