using System.Runtime.CompilerServices;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>structuredClone</c> (HTML §2.7): serialize and deserialize in one pass, with a memory of
/// objects already cloned so shared and circular references come out shared and circular.
/// Clones primitives (bigint included), plain objects and class instances (as plain objects with
/// their own enumerable string-keyed data), arrays (holes and extra properties kept), Date,
/// RegExp (without lastIndex), Map, Set, ArrayBuffer, typed arrays and DataView (sharing one
/// cloned buffer when they shared one), Error objects and boxed primitives. Functions, symbols,
/// promises, weak collections and platform objects (URL, Headers...) throw a DOMException named
/// <c>DataCloneError</c>. The <c>transfer</c> option is not supported.
/// </summary>
internal sealed class StructuredCloneApi
{
    private readonly WebApiContext _context;
    private readonly Dictionary<ObjectInstance, ObjectInstance> _memory = new(ReferenceEqualityComparer.Instance);

    private StructuredCloneApi(WebApiContext context) => _context = context;

    public static JsValue Create(WebApiContext context) => context.Function("structuredClone", 1, (_, args) =>
    {
        context.RequireArguments(args, 1, "Failed to execute 'structuredClone'");
        if (WebApiContext.Arg(args, 1) is ObjectInstance options && options.Get("transfer") is ObjectInstance transfer
            && TypeConverter.ToNumber(transfer.Get("length")) > 0)
        {
            throw context.DomError(
                "structuredClone's transfer option is not supported yet by Convex.Sim", "DataCloneError");
        }

        return new StructuredCloneApi(context).Clone(args[0]);
    });

    private JsValue Clone(JsValue value)
    {
        switch (value)
        {
            case JsSymbol symbol:
                throw NotCloneable(symbol.ToString());
            case not ObjectInstance:
                // undefined, null, booleans, numbers, strings and bigints are their own clones.
                return value;
        }

        var source = (ObjectInstance)value;
        if (_memory.TryGetValue(source, out var done))
        {
            return done;
        }

        // Deep graphs recurse in C#: refuse with the RangeError JavaScript itself would raise
        // rather than overflow the host's stack.
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw _context.RangeError("Maximum call stack size exceeded");
        }

        return CloneObject(source);
    }

    private ObjectInstance CloneObject(ObjectInstance source)
    {
        var engine = _context.Engine;
        switch (source)
        {
            case Function function:
                // Named by its text, as V8 names it (Jint renders a function as "function f() { [native code] }").
                throw NotCloneable(TypeConverter.ToString(function));
            case JsDate date:
                return Remember(source, engine.Construct(_context.DateConstructor, [JsNumber.Create(date.DateValue)]));
            case JsRegExp regExp:
                JsValue[] pattern = [new JsString(regExp.Source), new JsString(regExp.Flags)];
                return Remember(source, engine.Intrinsics.RegExp.Construct(pattern));
            case JsArrayBuffer buffer:
                return CloneBuffer(buffer);
            case JsTypedArray typedArray:
                return CloneTypedArray(typedArray);
            case ObjectInstance view when view.IsDataView():
                var viewBuffer = ClonedBufferOf(view);
                return Remember(source, engine.Construct(_context.DataViewConstructor,
                    [viewBuffer, view.Get("byteOffset"), view.Get("byteLength")]));
            case JsMap map:
                return CloneMap(map);
            case JsSet set:
                return CloneSet(set);
            case Jint.Native.Error.ErrorInstance:
                return CloneError(source);
            case Jint.Native.Array.ArrayInstance:
                var array = Remember(source, new JsArray(engine, 0, 0));
                array.Set("length", source.Get("length"));
                return CopyOwnProperties(source, array);
            case JsObject:
                return CopyOwnProperties(source, Remember(source, new JsObject(engine)));
            default:
                return CloneExotic(source);
        }
    }

    private ObjectInstance CloneBuffer(JsArrayBuffer buffer)
    {
        BufferSources.TryGetBytes(_context, buffer, out var bytes);
        return Remember(buffer, _context.Engine.Intrinsics.ArrayBuffer.Construct(bytes.ToArray()));
    }

    private ObjectInstance CloneTypedArray(JsTypedArray array)
    {
        var buffer = ClonedBufferOf(array);
        var constructor = BufferSources.TypedArrayConstructor(_context.Engine, BufferSources.TypedArrayName(array));
        var offset = (int)TypeConverter.ToNumber(array.Get("byteOffset"));
        return Remember(array, constructor.Construct(buffer, offset, (int)array.Length));
    }

    /// <summary>The clone of a view's buffer (shared with every other view of it in this clone).</summary>
    private JsArrayBuffer ClonedBufferOf(ObjectInstance view) =>
        view.Get("buffer") is JsArrayBuffer buffer && Clone(buffer) is JsArrayBuffer clone
            ? clone
            : throw NotCloneable("A view whose buffer is not an ArrayBuffer");

    private ObjectInstance CloneMap(JsMap map)
    {
        var engine = _context.Engine;
        var clone = (JsMap)engine.Intrinsics.Map.Construct([], engine.Intrinsics.Map);
        Remember(map, clone);
        // Snapshot first: cloning an entry may run getters that change the map.
        var entries = new List<KeyValuePair<JsValue, JsValue>>(map.Size);
        foreach (var entry in map)
        {
            entries.Add(entry);
        }

        foreach (var (key, value) in entries)
        {
            clone.Set(Clone(key), Clone(value));
        }

        return clone;
    }

    private ObjectInstance CloneSet(JsSet set)
    {
        var engine = _context.Engine;
        var clone = (JsSet)engine.Intrinsics.Set.Construct([], engine.Intrinsics.Set);
        Remember(set, clone);
        var items = new List<JsValue>(set.Size);
        foreach (var item in set)
        {
            items.Add(item);
        }

        foreach (var item in items)
        {
            clone.Add(Clone(item));
        }

        return clone;
    }

    private ObjectInstance CloneError(ObjectInstance error)
    {
        var name = error.Get("name") is JsString n ? n.ToString() : "Error";
        var constructor = _context.ErrorConstructors.TryGetValue(name, out var known)
            ? known
            : _context.ErrorConstructors["Error"];
        var message = error.Get("message");
        JsValue[] args = message.IsUndefined() ? [] : [new JsString(TypeConverter.ToString(message))];
        var clone = _context.Engine.Construct(constructor, args);
        Remember(error, clone);
        if (error.Get("stack") is JsString stack)
        {
            clone.Set("stack", stack);
        }

        if (error.HasOwnProperty("cause"))
        {
            clone.Set("cause", Clone(error.Get("cause")));
        }

        return clone;
    }

    /// <summary>Boxed primitives are cloned; anything else that is not an ordinary object cannot be.</summary>
    private ObjectInstance CloneExotic(ObjectInstance source)
    {
        var tag = _context.ObjectToStringTag(source);
        if (tag is "[object Boolean]" or "[object Number]" or "[object String]" or "[object BigInt]")
        {
            var primitive = TypeConverter.ToPrimitive(source, Types.Empty);
            return Remember(source, _context.Engine.Intrinsics.Object.Construct([primitive]));
        }

        var name = tag.StartsWith("[object ", StringComparison.Ordinal) ? tag[8..^1] : "Object";
        throw NotCloneable($"#<{name}>");
    }

    private ObjectInstance CopyOwnProperties(ObjectInstance source, ObjectInstance target)
    {
        foreach (var key in source.GetOwnPropertyKeys(Types.String))
        {
            var descriptor = source.GetOwnProperty(key);
            if (ReferenceEquals(descriptor, PropertyDescriptor.Undefined) || !descriptor.Enumerable)
            {
                continue;
            }

            target.CreateDataProperty(key, Clone(source.Get(key)));
        }

        return target;
    }

    private ObjectInstance Remember(ObjectInstance source, ObjectInstance clone)
    {
        _memory[source] = clone;
        return clone;
    }

    private JavaScriptException NotCloneable(string what) =>
        _context.DomError($"Failed to execute 'structuredClone': {what} could not be cloned.", "DataCloneError");
}
