using Convex.Sim.Core;
using Jint.Native;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// The active timers of one execution and the wake-ups requested for them (see
/// <see cref="TimersApi"/>). Ids are handed out from 1 in creation order, so they are
/// deterministic. State: a timer is active from <see cref="Add"/> until it is cleared or, for a
/// timeout, until it fires; an interval is rescheduled before its callback runs, so clearing it
/// from its own callback stops it.
/// </summary>
internal sealed class TimerTable
{
    private readonly Dictionary<int, Timer> _active = [];
    private int _nextId = 1;
    private long _nextSequence;

    /// <summary>A microtask that will plan the next wake-up is queued and has not run yet.</summary>
    public bool PlanQueued { get; set; }

    /// <summary>Due times of wake-ups queued with the host whose callbacks have not run yet.</summary>
    public List<DateTimeOffset> Wakes { get; } = [];

    public DateTimeOffset? PendingWake => Wakes.Count == 0 ? null : Wakes.Min();

    public Timer Add(JsValue callback, JsValue[] arguments, DateTimeOffset due, TimeSpan? interval)
    {
        var timer = new Timer(_nextId++, callback, arguments, interval) { Due = due, Sequence = _nextSequence++ };
        Invariant.Assert(!_active.ContainsKey(timer.Id));
        _active.Add(timer.Id, timer);
        return timer;
    }

    public void Remove(int id) => _active.Remove(id);

    public bool IsActive(Timer timer) =>
        _active.TryGetValue(timer.Id, out var current) && ReferenceEquals(current, timer);

    public void Reschedule(Timer timer, DateTimeOffset due)
    {
        Invariant.Assert(timer.Interval is not null);
        timer.Due = due;
        timer.Sequence = _nextSequence++;
    }

    public DateTimeOffset? EarliestDue() => _active.Count == 0 ? null : _active.Values.Min(t => t.Due);

    /// <summary>The timers due by <paramref name="horizon"/>, in the order they must fire.</summary>
    public List<Timer> Due(DateTimeOffset horizon) =>
        [.. _active.Values.Where(t => t.Due <= horizon).OrderBy(t => t.Due).ThenBy(t => t.Sequence)];

    internal sealed class Timer(int id, JsValue callback, JsValue[] arguments, TimeSpan? interval)
    {
        public int Id { get; } = id;

        public JsValue Callback { get; } = callback;

        public JsValue[] Arguments { get; } = arguments;

        /// <summary>Null for a timeout; the period for an interval.</summary>
        public TimeSpan? Interval { get; } = interval;

        public DateTimeOffset Due { get; set; }

        /// <summary>Creation (or rescheduling) order: breaks ties between timers due at the same instant.</summary>
        public long Sequence { get; set; }
    }
}
