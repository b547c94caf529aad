using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime.Descriptors;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// A Web IDL interface implemented in C#: a constructor function, a prototype carrying the
/// operations and attributes, and instances (<see cref="HostObject{TState}"/>) whose state is a
/// C# object JavaScript cannot see or reach. Scripts see ordinary JavaScript objects: the class
/// can be subclassed (<c>class X extends URL</c>), <c>instanceof</c> works, and an operation called
/// on the wrong receiver throws "Illegal invocation" as browsers do.
/// </summary>
/// <typeparam name="TState">The per-instance state; one type per interface, so the brand check is a type
/// test.</typeparam>
internal sealed class HostClass<TState> : Jint.Native.Constructor
    where TState : class
{
    private const PropertyFlag OperationFlags = PropertyFlag.ConfigurableEnumerableWritable;
    private readonly WebApiContext _context;
    private readonly Func<JsValue[], TState>? _create;

    /// <param name="create">Builds the state from the constructor arguments; null for interfaces
    /// scripts cannot construct ("Illegal constructor").</param>
    public HostClass(
        WebApiContext context,
        string name,
        int length,
        Func<JsValue[], TState>? create,
        ObjectInstance? parentPrototype = null)
        : base(context.Engine, name)
    {
        _context = context;
        _create = create;
        PrototypeObject = new JsObject(context.Engine) { Prototype = parentPrototype ?? context.ObjectPrototype };
        PrototypeObject.FastSetProperty("constructor", new PropertyDescriptor(this, PropertyFlag.NonEnumerable));
        PrototypeObject.FastSetProperty(
            GlobalSymbolRegistry.ToStringTag, new PropertyDescriptor(new JsString(name), PropertyFlag.Configurable));
        _prototypeDescriptor = new PropertyDescriptor(PrototypeObject, PropertyFlag.AllForbidden);
        _length = new PropertyDescriptor(JsNumber.Create(length), PropertyFlag.Configurable);
        // Function.prototype is non-writable and non-configurable, so reading it is safe.
        Prototype = (ObjectInstance)context.Engine.Intrinsics.Function.Get("prototype");
    }

    public ObjectInstance PrototypeObject { get; }

    public override ObjectInstance Construct(JsValue[] arguments, JsValue newTarget)
    {
        if (_create is null)
        {
            throw _context.TypeError("Illegal constructor");
        }

        var state = _create(arguments);
        return new HostObject<TState>(Engine, state) { Prototype = PrototypeFor(newTarget) };
    }

    /// <summary>An instance for state the host created (e.g. <c>url.searchParams</c>).</summary>
    public HostObject<TState> Wrap(TState state) => new(Engine, state) { Prototype = PrototypeObject };

    /// <summary>The state of <paramref name="receiver"/>, or the TypeError a wrong receiver gets.</summary>
    public TState StateOf(JsValue receiver) =>
        receiver is HostObject<TState> instance ? instance.State : throw _context.TypeError("Illegal invocation");

    public void Method(string name, int length, Func<TState, JsValue[], JsValue> body)
    {
        var function = _context.Function(name, length, (self, args) => body(StateOf(self), args));
        PrototypeObject.FastSetProperty(name, new PropertyDescriptor(function, OperationFlags));
    }

    public void Accessor(string name, Func<TState, JsValue> get, Action<TState, JsValue>? set = null)
    {
        var getter = _context.Function("get " + name, 0, (self, _) => get(StateOf(self)));
        JsValue setter = set is null
            ? JsValue.Undefined
            : _context.Function("set " + name, 1, (self, args) =>
            {
                set(StateOf(self), WebApiContext.Arg(args, 0));
                return JsValue.Undefined;
            });
        var descriptor = new GetSetPropertyDescriptor(getter, setter, enumerable: true, configurable: true);
        PrototypeObject.FastSetProperty(name, descriptor);
    }

    public void StaticMethod(string name, int length, Func<JsValue[], JsValue> body)
    {
        var function = _context.Function(name, length, (_, args) => body(args));
        FastSetProperty(name, new PropertyDescriptor(function, OperationFlags));
    }

    /// <summary>
    /// Web IDL pair iteration: <c>entries</c>, <c>keys</c>, <c>values</c>, <c>forEach</c> and
    /// <c>[Symbol.iterator]</c> (the same function as <c>entries</c>). Iterators walk a snapshot
    /// taken when they are created; <c>forEach</c> re-reads the pairs at every step, so it sees
    /// changes the callback makes, as the Web IDL algorithm does.
    /// </summary>
    public void PairIterable(Func<TState, IReadOnlyList<KeyValuePair<string, string>>> pairs)
    {
        JsValue Iterate(JsValue self, Func<KeyValuePair<string, string>, JsValue> project) =>
            _context.IteratorOver([.. pairs(StateOf(self)).Select(project)]);

        var entries = _context.Function("entries", 0, (self, _) => Iterate(self, pair =>
            new JsArray(Engine, [new JsString(pair.Key), new JsString(pair.Value)])));
        PrototypeObject.FastSetProperty("entries", new PropertyDescriptor(entries, OperationFlags));
        PrototypeObject.FastSetProperty(
            GlobalSymbolRegistry.Iterator, new PropertyDescriptor(entries, PropertyFlag.NonEnumerable));
        var keys = _context.Function("keys", 0, (self, _) => Iterate(self, pair => new JsString(pair.Key)));
        PrototypeObject.FastSetProperty("keys", new PropertyDescriptor(keys, OperationFlags));
        var values = _context.Function("values", 0, (self, _) => Iterate(self, pair => new JsString(pair.Value)));
        PrototypeObject.FastSetProperty("values", new PropertyDescriptor(values, OperationFlags));
        var forEach = _context.Function("forEach", 1, (self, args) =>
        {
            var state = StateOf(self);
            var callback = WebApiContext.Arg(args, 0);
            if (!callback.IsCallable())
            {
                throw _context.TypeError("Failed to execute 'forEach': parameter 1 is not of type 'Function'.");
            }

            var thisArg = WebApiContext.Arg(args, 1);
            for (var i = 0; ; i++)
            {
                var current = pairs(state);
                if (i >= current.Count)
                {
                    break;
                }

                Engine.Call(callback, thisArg, [new JsString(current[i].Value), new JsString(current[i].Key), self]);
            }

            return JsValue.Undefined;
        });
        PrototypeObject.FastSetProperty("forEach", new PropertyDescriptor(forEach, OperationFlags));
    }

    private ObjectInstance PrototypeFor(JsValue newTarget)
    {
        // GetPrototypeFromConstructor: a subclass constructed through `super()` passes itself as
        // new.target, and its instances must inherit from the subclass's prototype.
        if (newTarget is ObjectInstance target && !ReferenceEquals(target, this)
            && target.Get("prototype") is ObjectInstance own)
        {
            return own;
        }

        Invariant.Assert(PrototypeObject.Prototype is not null);
        return PrototypeObject;
    }
}

/// <summary>An instance of a <see cref="HostClass{TState}"/>: an ordinary object plus hidden state.</summary>
internal sealed class HostObject<TState> : ObjectInstance
    where TState : class
{
    public HostObject(Jint.Engine engine, TState state)
        : base(engine)
    {
        State = state;
    }

    public TState State { get; }
}
