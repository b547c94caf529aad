using System.Globalization;
using System.Text;
using Convex.Sim.Core;
using Convex.Sim.Simulator.Scheduling;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Convex.Sim.Simulator.Sync.Official;

/// <summary>What the JavaScript <c>WebSocket</c> class asks of its C# side.</summary>
internal interface ISocketHost
{
    /// <summary>A socket was constructed: open a connection; returns the socket's id.</summary>
    int Open(ObjectInstance socket, string url);

    void Send(int socket, string text);

    void Close(int socket, int? code, string reason);
}

/// <summary>
/// One Jint engine running the official client of one simulated client, deterministically: the
/// engine's <c>Date</c> reads the simulator clock; <c>Math.random</c> and <c>crypto</c> draw from
/// the client's seeded stream; timers are <see cref="SimTimer"/>s of the client's node, so their
/// callbacks run as that node's work items; <c>console</c> goes to the trace. Every entry from C#
/// (<see cref="Call"/>, a timer) ends by draining the promise job queue, as a browser runs its
/// microtasks after each task. The budget is per entry (statements, memory, recursion), with
/// <c>StackOverflowGuard</c> on; running out of it is an exception that fails the seed.
/// </summary>
internal sealed class JsClientHost
{
    private readonly SimLoop _loop;
    private readonly SimNode _node;
    private readonly IRandom _random;
    private readonly Action<string> _trace;
    private readonly ISocketHost _sockets;
    private readonly SortedDictionary<int, (SimTimer Timer, bool Repeat)> _timers = [];
    private readonly List<(JsValue Promise, JsValue Reason)> _unhandledRejections = [];
    private int _nextTimer = 1;
    private int _depth;
    private bool _draining;

    public JsClientHost(SimLoop loop, SimNode node, IRandom random, Action<string> trace, ISocketHost sockets)
    {
        _loop = loop;
        _node = node;
        _random = random;
        _trace = trace;
        _sockets = sockets;
        Engine = new Engine(options =>
        {
            options.TimeSystem = new SimTimeSystem(loop.Time);
            options.Culture = CultureInfo.InvariantCulture;
            options.Constraints.StackOverflowGuard = true;
            options.LimitRecursion(2_000);
            options.MaxStatements(20_000_000);
            options.LimitMemory(1L << 30);
            options.DisableStringCompilation();
        });
        Engine.Advanced.PromiseRejectionTracker += OnPromiseRejection;
        var install = Engine.Evaluate(JsClientPrelude.Script);
        Helpers = Engine.Call(install, JsValue.Undefined, [CreateHostObject()]).AsObject();
        Engine.Execute(OfficialClientBundle.Script);
        Invariant.Assert(Engine.GetValue("convex").IsObject());
    }

    public Engine Engine { get; }

    /// <summary>The prelude's helpers (<c>createClient</c>, <c>subscribe</c>, <c>request</c>, <c>held</c>).</summary>
    public ObjectInstance Helpers { get; }

    /// <summary>Timers armed and not yet fired or cleared.</summary>
    public int TimersPending => _timers.Count;

    /// <summary>Calls a prelude helper and drains the job queue.</summary>
    public JsValue Helper(string name, params JsValue[] args) => Call(Helpers.Get(name), Helpers, args);

    /// <summary>
    /// Calls into JavaScript from C#; the outermost entry then runs every promise job queued (a
    /// microtask checkpoint). A call made from inside JavaScript (a C# callback that calls back in)
    /// or from inside a job does not drain: as in a browser, checkpoints never nest.
    /// </summary>
    public JsValue Call(JsValue function, JsValue thisObject, params JsValue[] args)
    {
        _loop.AssertOnLoopThread();
        _depth++;
        try
        {
            return Engine.Call(function, thisObject, args);
        }
        finally
        {
            _depth--;
            if (_depth == 0 && !_draining)
            {
                _draining = true;
                try
                {
                    Engine.Advanced.ProcessTasks();
                }
                finally
                {
                    _draining = false;
                }

                ReportUnhandledRejections();
            }
        }
    }

    public ObjectInstance NewObject() => new JsObject(Engine);

    private ObjectInstance CreateHostObject()
    {
        var host = new JsObject(Engine);
        Set(host, "log", (_, args) => Log(args));
        Set(host, "setTimer", (_, args) => SetTimer(args[0], args[1], args[2], TypeConverter.ToBoolean(args[3])));
        Set(host, "clearTimer", (_, args) => ClearTimer(args.Length > 0 ? args[0] : JsValue.Undefined));
        Set(host, "random", (_, _) => (double)(_random.NextUInt64() >> 11) / (1UL << 53));
        Set(host, "randomByte", (_, _) => (int)_random.NextBelow(256));
        Set(host, "utf8Encode", (_, args) => new JsArray(Engine,
            [.. Encoding.UTF8.GetBytes(TypeConverter.ToString(args[0])).Select(b => (JsValue)(int)b)]));
        Set(host, "utf8Decode", (_, args) => Encoding.UTF8.GetString(
            [.. args[0].AsArray().Select(v => (byte)TypeConverter.ToInt32(v))]));
        Set(host, "open", (_, args) => _sockets.Open(args[0].AsObject(), TypeConverter.ToString(args[1])));
        Set(host, "send", (_, args) =>
        {
            _sockets.Send(TypeConverter.ToInt32(args[0]), TypeConverter.ToString(args[1]));
            return JsValue.Undefined;
        });
        Set(host, "close", (_, args) =>
        {
            _sockets.Close(TypeConverter.ToInt32(args[0]), args[1].IsNull() ? null : TypeConverter.ToInt32(args[1]),
                TypeConverter.ToString(args[2]));
            return JsValue.Undefined;
        });
        return host;
    }

    private void Set(ObjectInstance target, string name, Func<JsValue, JsValue[], JsValue> body) =>
        target.Set(name, new ClrFunction(Engine, name, body));

    private JsValue Log(JsValue[] args)
    {
        var level = TypeConverter.ToString(args[0]);
        var text = string.Join(" ", args.Skip(1).Select(Show));
        _trace($"console.{level} {(text.Length <= 300 ? text : text[..300] + "...")}");
        return JsValue.Undefined;
    }

    private static string Show(JsValue value)
    {
        if (value is ObjectInstance o && o.Get("message") is JsString message)
        {
            return message.ToString();
        }

        return value.IsSymbol() ? "Symbol()" : value.IsObject() ? "[object]" : TypeConverter.ToString(value);
    }

    /// <summary>A browser timer on the simulated clock; the callback runs on the client's node.</summary>
    private JsValue SetTimer(JsValue callback, JsValue delay, JsValue args, bool repeat)
    {
        Invariant.Assert(callback.IsObject());
        var milliseconds = TypeConverter.ToNumber(delay);
        milliseconds = double.IsNaN(milliseconds) || milliseconds < 0 ? 0 : Math.Min(milliseconds, int.MaxValue);
        var due = TimeSpan.FromMilliseconds(milliseconds);
        var period = repeat ? TimeSpan.FromMilliseconds(Math.Max(1, milliseconds)) : Timeout.InfiniteTimeSpan;
        var id = _nextTimer++;
        var arguments = args.AsArray().ToArray();
        var timer = new SimTimer(_loop, _loop.Time, _node.Context, _ => Fire(id, callback, arguments), null);
        _timers.Add(id, (timer, repeat));
        timer.Change(due, period);
        Invariant.Assert(_timers.ContainsKey(id));
        return id;
    }

    private void Fire(int id, JsValue callback, JsValue[] args)
    {
        if (!_timers.TryGetValue(id, out var entry))
        {
            return; // cleared after it became due
        }

        if (!entry.Repeat)
        {
            _timers.Remove(id);
        }

        try
        {
            Call(callback, JsValue.Undefined, args);
        }
        catch (JavaScriptException e)
        {
            // A browser reports an exception thrown by a timer callback and goes on.
            _trace($"uncaught exception in a timer callback: {e.Message}");
            UncaughtErrors.Add(e.Message);
        }
    }

    /// <summary>Exceptions thrown by timer callbacks, and promises rejected with no handler after a
    /// microtask checkpoint (a browser reports both on the console: "Uncaught", "Uncaught (in promise)").</summary>
    public List<string> UncaughtErrors { get; } = [];

    private void OnPromiseRejection(object? sender, PromiseRejectionTrackerEventArgs e)
    {
        if (e.Operation == Jint.Native.Promise.PromiseRejectionOperation.Reject)
        {
            _unhandledRejections.Add((e.Promise, e.Value ?? JsValue.Undefined));
        }
        else
        {
            _unhandledRejections.RemoveAll(r => ReferenceEquals(r.Promise, e.Promise));
        }
    }

    /// <summary>After a checkpoint, as a browser fires <c>unhandledrejection</c>: what is still unhandled is reported
    /// (in rejection order, so no hash order decides the trace).</summary>
    private void ReportUnhandledRejections()
    {
        foreach (var (_, reason) in _unhandledRejections)
        {
            var text = reason is ObjectInstance error && error.Get("message") is { } message && !message.IsUndefined()
                ? TypeConverter.ToString(message)
                : TypeConverter.ToString(reason);
            _trace($"uncaught (in promise): {text}");
            UncaughtErrors.Add($"uncaught (in promise): {text}");
        }

        _unhandledRejections.Clear();
    }

    private JsValue ClearTimer(JsValue id)
    {
        if (!id.IsNumber())
        {
            return JsValue.Undefined;
        }

        var key = TypeConverter.ToInt32(id);
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer.Dispose();
        }

        Invariant.Assert(!_timers.ContainsKey(key));
        return JsValue.Undefined;
    }

    /// <summary>The engine's clock is the simulator's; always UTC.</summary>
    private sealed class SimTimeSystem(TimeProvider clock)
        : DefaultTimeSystem(TimeZoneInfo.Utc, CultureInfo.InvariantCulture)
    {
        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();
    }
}
