using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>AbortController</c> and <c>AbortSignal</c> (DOM §3.1-3.2), enough for libraries that
/// thread a signal through their calls: <c>aborted</c>, <c>reason</c>, <c>throwIfAborted</c>,
/// <c>onabort</c>, <c>add/removeEventListener("abort", ...)</c> (with <c>once</c>), and the
/// static <c>AbortSignal.abort</c> and <c>AbortSignal.any</c>. There is no general
/// <c>EventTarget</c>/<c>Event</c>: listeners receive a plain <c>{ type, target }</c> object.
/// <c>AbortSignal.timeout</c> throws "not supported yet". A listener that throws does not stop
/// the others; its error fails the function as an unhandled rejection (as a timer callback's does).
/// </summary>
internal sealed class AbortApi
{
    private readonly WebApiContext _context;

    public AbortApi(WebApiContext context)
    {
        _context = context;
        Signal = new HostClass<SignalState>(context, "AbortSignal", 0, create: null);
        Controller = new HostClass<ControllerState>(
            context, "AbortController", 0, _ => new ControllerState(new SignalState()));
        DefineSignal();
        Controller.Accessor("signal", c => c.SignalObject ??= Signal.Wrap(c.Signal));
        Controller.Method("abort", 0, (c, args) =>
        {
            c.SignalObject ??= Signal.Wrap(c.Signal);
            Abort(c.SignalObject, c.Signal, WebApiContext.Arg(args, 0));
            return JsValue.Undefined;
        });
    }

    public HostClass<SignalState> Signal { get; }

    public HostClass<ControllerState> Controller { get; }

    private void DefineSignal()
    {
        Signal.Accessor("aborted", s => s.Aborted ? JsBoolean.True : JsBoolean.False);
        Signal.Accessor("reason", s => s.Reason);
        Signal.Accessor("onabort", s => s.Handler?.Callback ?? JsValue.Null, (s, value) => s.SetHandler(value));
        Signal.Method("throwIfAborted", 0, (s, _) =>
            s.Aborted ? throw new JavaScriptException(s.Reason) : JsValue.Undefined);
        Signal.Method("addEventListener", 2, (s, args) =>
        {
            var type = TypeConverter.ToString(WebApiContext.Arg(args, 0));
            var callback = WebApiContext.Arg(args, 1);
            var once = WebApiContext.Arg(args, 2) is ObjectInstance options
                && TypeConverter.ToBoolean(options.Get("once"));
            var known = s.Listeners.Exists(l => l.Type == type && ReferenceEquals(l.Callback, callback));
            if (callback is ObjectInstance && !known)
            {
                s.Listeners.Add(new Listener(type, callback, once));
            }

            return JsValue.Undefined;
        });
        Signal.Method("removeEventListener", 2, (s, args) =>
        {
            var type = TypeConverter.ToString(WebApiContext.Arg(args, 0));
            var callback = WebApiContext.Arg(args, 1);
            s.Listeners.RemoveAll(l => l.Type == type && ReferenceEquals(l.Callback, callback) && !l.IsHandler);
            return JsValue.Undefined;
        });
        Signal.StaticMethod("abort", 0, args =>
        {
            var state = new SignalState();
            var signal = Signal.Wrap(state);
            state.Aborted = true;
            state.Reason = ReasonOf(WebApiContext.Arg(args, 0));
            return signal;
        });
        Signal.StaticMethod("any", 1, args => Any(WebApiContext.Arg(args, 0)));
        Signal.StaticMethod("timeout", 1, _ =>
            throw _context.Error("AbortSignal.timeout is not supported yet by Convex.Sim (see docs/compatibility.md)"));
    }

    private JsValue Any(JsValue signals)
    {
        var sources = signals is ObjectInstance list && JsIteration.IteratorMethod(_context, list) is { } method
            ? JsIteration.ToList(_context, list, method)
            : throw _context.TypeError(
                "Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
        var state = new SignalState();
        var result = Signal.Wrap(state);
        foreach (var source in sources)
        {
            var sourceState = Signal.StateOf(source);
            if (sourceState.Aborted)
            {
                state.Aborted = true;
                state.Reason = sourceState.Reason;
                return result;
            }
        }

        foreach (var source in sources)
        {
            Signal.StateOf(source).Dependents.Add((result, state));
        }

        return result;
    }

    private JsValue ReasonOf(JsValue reason) =>
        reason.IsUndefined() ? _context.DomException.Create("signal is aborted without reason", "AbortError") : reason;

    /// <summary>"Signal abort" (DOM §3.2): set the reason, fire "abort", then abort the dependent signals.</summary>
    private void Abort(ObjectInstance signal, SignalState state, JsValue reason)
    {
        if (state.Aborted)
        {
            return;
        }

        state.Aborted = true;
        state.Reason = ReasonOf(reason);
        var dependents = state.Dependents.Where(d => !d.State.Aborted).ToList();
        foreach (var (_, dependent) in dependents)
        {
            dependent.Aborted = true;
            dependent.Reason = state.Reason;
        }

        Fire(signal, state);
        foreach (var (dependentSignal, dependent) in dependents)
        {
            Fire(dependentSignal, dependent);
        }
    }

    private void Fire(ObjectInstance signal, SignalState state)
    {
        Invariant.Assert(state.Aborted);
        var abortEvent = new JsObject(_context.Engine);
        abortEvent.Set("type", new JsString("abort"));
        abortEvent.Set("target", signal);
        abortEvent.Set("currentTarget", signal);
        foreach (var listener in state.Listeners.Where(l => l.Type == "abort").ToList())
        {
            if (listener.Once)
            {
                state.Listeners.Remove(listener);
            }

            if (!listener.Callback.IsCallable())
            {
                continue;
            }

            try
            {
                _context.Engine.Call(listener.Callback, signal, [abortEvent]);
            }
            catch (JavaScriptException e)
            {
                _context.ReportUncaught(e.Error);
            }
        }
    }

    /// <summary>A registered listener; a class, not a record, so removal goes by identity.</summary>
    internal sealed class Listener(string type, JsValue callback, bool once, bool isHandler = false)
    {
        public string Type { get; } = type;

        public JsValue Callback { get; } = callback;

        public bool Once { get; } = once;

        public bool IsHandler { get; } = isHandler;
    }

    internal sealed class ControllerState(SignalState signal)
    {
        public SignalState Signal { get; } = signal;

        public ObjectInstance? SignalObject { get; set; }
    }

    /// <summary>
    /// A signal: aborted once and for good. <see cref="Listeners"/> keeps registration order;
    /// the <c>onabort</c> handler takes the place in it where it was first set, as DOM event
    /// handlers do.
    /// </summary>
    internal sealed class SignalState
    {
        public bool Aborted { get; set; }

        public JsValue Reason { get; set; } = JsValue.Undefined;

        public List<Listener> Listeners { get; } = [];

        public List<(ObjectInstance Signal, SignalState State)> Dependents { get; } = [];

        public Listener? Handler => Listeners.Find(l => l.IsHandler);

        public void SetHandler(JsValue value)
        {
            var index = Listeners.FindIndex(l => l.IsHandler);
            if (value is not ObjectInstance || !value.IsCallable())
            {
                if (index >= 0)
                {
                    Listeners.RemoveAt(index);
                }

                return;
            }

            var handler = new Listener("abort", value, once: false, isHandler: true);
            if (index >= 0)
            {
                Listeners[index] = handler;
            }
            else
            {
                Listeners.Add(handler);
            }
        }
    }
}
