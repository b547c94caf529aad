using System.Runtime.CompilerServices;
using Convex.Sim.Core;
using Convex.Sim.Functions.Hosting;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>setTimeout</c>, <c>setInterval</c>, <c>clearTimeout</c>, <c>clearInterval</c> (HTML §8.6).
///
/// Queries and mutations may not wait: a delay above 0 throws Convex's
/// "Can't use setTimeout in queries and mutations" error; a 0 ms timer still runs, on a later
/// turn of the event loop. Actions wait on the runtime clock through a <see cref="PendingTimer"/>.
///
/// Method: the timers of an execution live in a <see cref="TimerTable"/>. Rather than one host
/// operation per timer, the table keeps at most one wake-up pending: the event loop performs the
/// operations of a turn one after another, so two sleeps of 100 and 200 ms queued together would
/// take 300 ms and fire together. Planning runs as a microtask, after the synchronous code that
/// created the timers, and asks for one wake-up at the earliest due time; when it resolves, every
/// due timer fires in (due time, creation) order and the next wake-up is planned.
///
/// Errors: a callback that throws does not stop the other timers. Its error is reported as a
/// promise rejection that nothing handles, which the event loop turns into a failure of the
/// function ("Unhandled promise rejection"), as an uncaught error in a timer callback fails a
/// Convex action.
/// </summary>
internal sealed class TimersApi
{
    private readonly WebApiContext _context;

    // Per execution: a timer belongs to the host that created it and dies with it, so a reused
    // worker never fires (or leaks) the timers of an earlier execution.
    private readonly ConditionalWeakTable<IExecutionHost, TimerTable> _tables = new();

    public TimersApi(WebApiContext context) => _context = context;

    public JsValue CreateSetTimeout() =>
        _context.Function("setTimeout", 1, (_, args) => Schedule("setTimeout", args, repeat: false));

    public JsValue CreateSetInterval() =>
        _context.Function("setInterval", 1, (_, args) => Schedule("setInterval", args, repeat: true));

    public JsValue CreateClearTimeout() => _context.Function("clearTimeout", 0, (_, args) => Clear(args));

    public JsValue CreateClearInterval() => _context.Function("clearInterval", 0, (_, args) => Clear(args));

    private JsValue Schedule(string name, JsValue[] args, bool repeat)
    {
        var callback = WebApiContext.Arg(args, 0);
        if (!callback.IsCallable())
        {
            throw _context.TypeError(callback is JsString
                ? $"{name} with a string of code is not supported: pass a function"
                : $"The \"callback\" argument of {name} must be a function");
        }

        var delay = DelayOf(WebApiContext.Arg(args, 1));
        var host = _context.Worker.Host;
        if (!host.AllowsTimers && delay > TimeSpan.Zero)
        {
            throw _context.Error($"Can't use {name} in queries and mutations. Please consider using an action.");
        }

        var table = _tables.GetValue(host, _ => new TimerTable());
        var now = _context.Worker.Clock.GetUtcNow();
        var timer = table.Add(callback, args.Length > 2 ? args[2..] : [], now + delay, repeat ? delay : null);
        if (!table.PlanQueued)
        {
            table.PlanQueued = true;
            _context.QueueMicrotask(_context.Function("", 0, (_, _) => Plan(host, table)));
        }

        Invariant.Assert(timer.Id > 0);
        return JsNumber.Create(timer.Id);
    }

    private JsValue Clear(JsValue[] args)
    {
        var id = WebApiContext.Arg(args, 0);
        if (id is JsNumber number && _tables.TryGetValue(_context.Worker.Host, out var table))
        {
            var value = number.AsNumber();
            if (value >= 1 && value <= int.MaxValue && value == Math.Floor(value))
            {
                table.Remove((int)value);
            }
        }

        return JsValue.Undefined;
    }

    /// <summary>Web IDL <c>long</c> conversion clamped at 0: NaN, negative and infinite delays mean 0.</summary>
    private static TimeSpan DelayOf(JsValue value)
    {
        var ms = value.IsUndefined() ? 0 : TypeConverter.ToNumber(value);
        return double.IsFinite(ms) && ms > 0 ? TimeSpan.FromMilliseconds(Math.Min(ms, int.MaxValue)) : TimeSpan.Zero;
    }

    /// <summary>Queues a wake-up for the earliest timer, unless one already pending comes no later.</summary>
    private JsValue Plan(IExecutionHost host, TimerTable table)
    {
        table.PlanQueued = false;
        if (table.EarliestDue() is not { } target || table.PendingWake <= target)
        {
            return JsValue.Undefined;
        }

        var delay = target - _context.Worker.Clock.GetUtcNow();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        var promise = _context.Worker.Enqueue(p => new PendingTimer(p, delay));
        table.Wakes.Add(target);
        var onWake = _context.Function("", 1, (_, _) => Wake(host, table, target));
        var onFailure = _context.Function("", 1, (_, failure) =>
        {
            // Queries and mutations refuse every wait, a 0 ms one too; there, a refused 0 ms
            // wake-up is simply the next turn. In an action a refused wait is a real failure.
            if (host.AllowsTimers)
            {
                table.Wakes.Remove(target);
                throw new JavaScriptException(WebApiContext.Arg(failure, 0));
            }

            return Wake(host, table, target);
        });
        _context.Then(promise, onWake, onFailure);
        return JsValue.Undefined;
    }

    private JsValue Wake(IExecutionHost host, TimerTable table, DateTimeOffset target)
    {
        table.Wakes.Remove(target);
        var now = _context.Worker.Clock.GetUtcNow();
        // The wake-up was for `target`; firing by it (not only by the clock) keeps a runtime whose
        // clock reads a hair early from leaving the timer for another round.
        var horizon = now > target ? now : target;
        Invariant.Assert(horizon >= target);
        foreach (var timer in table.Due(horizon))
        {
            if (!table.IsActive(timer))
            {
                continue;
            }

            if (timer.Interval is { } interval)
            {
                table.Reschedule(timer, horizon + interval);
            }
            else
            {
                table.Remove(timer.Id);
            }

            try
            {
                _context.Engine.Call(timer.Callback, JsValue.Undefined, timer.Arguments);
            }
            catch (JavaScriptException e)
            {
                _context.ReportUncaught(e.Error);
            }
        }

        if (!table.PlanQueued && table.EarliestDue() is not null)
        {
            table.PlanQueued = true;
            _context.QueueMicrotask(_context.Function("", 0, (_, _) => Plan(host, table)));
        }

        return JsValue.Undefined;
    }
}
