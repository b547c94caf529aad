using System.Text;
using Convex.Sim.Core;
using Convex.Sim.Functions.Hosting;
using Jint;
using Jint.Native;
using Jint.Native.Error;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// What the web APIs of one worker share: the built-ins they call, captured when the worker is
/// created (before user code could replace <c>Promise</c> or <c>Date</c>), the lazily built
/// <c>DOMException</c> class, and the Web IDL argument conversions they all use.
/// Capturing is a handful of property reads; every API object is built on first touch.
/// </summary>
internal sealed class WebApiContext
{
    private readonly JsValue _promise;
    private readonly JsValue _promiseThen;
    private readonly JsValue _promiseResolve;
    private readonly JsValue _promiseReject;
    private readonly JsValue _arrayValues;
    private readonly JsValue _objectToString;
    private DomExceptionClass? _domException;

    public WebApiContext(JsWorker worker)
    {
        Worker = worker;
        Engine = worker.Engine;
        var global = Engine.Global;
        _promise = global.Get("Promise");
        _promiseThen = _promise.Get("prototype").Get("then");
        _promiseResolve = _promise.Get("resolve");
        _promiseReject = _promise.Get("reject");
        _arrayValues = Engine.Intrinsics.Array.PrototypeObject.Get("values");
        _objectToString = Engine.Intrinsics.Object.PrototypeObject.Get("toString");
        RangeErrorConstructor = (ErrorConstructor)global.Get("RangeError");
        DateConstructor = global.Get("Date");
        DataViewConstructor = global.Get("DataView");
        ErrorConstructors = new Dictionary<string, JsValue>(StringComparer.Ordinal)
        {
            ["Error"] = global.Get("Error"),
            ["EvalError"] = global.Get("EvalError"),
            ["RangeError"] = global.Get("RangeError"),
            ["ReferenceError"] = global.Get("ReferenceError"),
            ["SyntaxError"] = global.Get("SyntaxError"),
            ["TypeError"] = global.Get("TypeError"),
            ["URIError"] = global.Get("URIError"),
        };
        Invariant.Assert(_promiseThen is Jint.Native.Function.Function);
        Invariant.Assert(_arrayValues is Jint.Native.Function.Function);
    }

    public JsWorker Worker { get; }

    public Engine Engine { get; }

    public ErrorConstructor RangeErrorConstructor { get; }

    public JsValue DateConstructor { get; }

    public JsValue DataViewConstructor { get; }

    /// <summary>The native error constructors by name (what <c>structuredClone</c> may recreate).</summary>
    public IReadOnlyDictionary<string, JsValue> ErrorConstructors { get; }

    public DomExceptionClass DomException => _domException ??= new DomExceptionClass(this);

    public ObjectInstance ObjectPrototype => Engine.Intrinsics.Object.PrototypeObject;

    public JavaScriptException TypeError(string message) => new(Engine.Intrinsics.TypeError, message);

    public JavaScriptException RangeError(string message) => new(RangeErrorConstructor, message);

    public JavaScriptException Error(string message) => new(Engine.Intrinsics.Error, message);

    public JavaScriptException DomError(string message, string name) => new(DomException.Create(message, name));

    public Jint.Native.Function.Function Function(string name, int length, Func<JsValue, JsValue[], JsValue> body) =>
        Worker.Function(name, length, body);

    /// <summary><c>Promise.prototype.then</c>, immune to user code replacing it.</summary>
    public JsValue Then(JsValue promise, JsValue onFulfilled, JsValue onRejected) =>
        Engine.Call(_promiseThen, promise, [onFulfilled, onRejected]);

    public JsValue Rejected(JsValue reason) => Engine.Call(_promiseReject, _promise, [reason]);

    /// <summary>
    /// Runs <paramref name="callback"/> as a microtask. A throw rejects the promise that
    /// <c>then</c> derived, which nothing handles: the event loop reports it as an unhandled
    /// rejection and fails the function, as an uncaught microtask error would.
    /// </summary>
    public void QueueMicrotask(JsValue callback)
    {
        var resolved = Engine.Call(_promiseResolve, _promise, [JsValue.Undefined]);
        var task = Function("", 0, (_, _) => Engine.Call(callback, JsValue.Undefined, []));
        Then(resolved, task, JsValue.Undefined);
    }

    /// <summary>Reports an error thrown by a callback the host ran (a timer) as an unhandled rejection.</summary>
    public void ReportUncaught(JsValue error) => Rejected(error);

    /// <summary>An <c>ArrayIterator</c> over a snapshot of <paramref name="values"/>.</summary>
    public JsValue IteratorOver(JsValue[] values) => Engine.Call(_arrayValues, new JsArray(Engine, values), []);

    /// <summary>The original <c>Object.prototype.toString</c> of <paramref name="value"/>: "[object Map]".</summary>
    public string ObjectToStringTag(JsValue value) => TypeConverter.ToString(Engine.Call(_objectToString, value, []));

    public static JsValue Arg(JsValue[] args, int index) => args.Length > index ? args[index] : JsValue.Undefined;

    /// <summary>Throws the TypeError browsers give when a required argument is missing.</summary>
    public void RequireArguments(JsValue[] args, int count, string prefix)
    {
        if (args.Length < count)
        {
            var noun = count == 1 ? "argument" : "arguments";
            throw TypeError($"{prefix}: {count} {noun} required, but only {args.Length} present.");
        }
    }

    /// <summary>Web IDL <c>USVString</c>: ToString, then lone surrogates become U+FFFD.</summary>
    public static string ToUsvString(JsValue value) => ToWellFormed(TypeConverter.ToString(value));

    public static string ToWellFormed(string text)
    {
        var firstBad = FirstLoneSurrogate(text);
        if (firstBad < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, firstBad);
        for (var i = firstBad; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[i + 1]);
                i++;
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.ToString();
    }

    private static int FirstLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }
}
