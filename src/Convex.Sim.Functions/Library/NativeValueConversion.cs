using System.Numerics;
using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Convex.Sim.Functions.Library;

/// <summary>
/// Native implementations of the library's <c>convexToJsonInternal</c> and <c>jsonToConvex</c>
/// (convex npm <c>values/value.js</c>), bound by <see cref="LibrarySubstitution"/>. They work on
/// Jint values directly and take only the common case: primitives, bigints, special floats, and
/// arrays and plain objects whose elements and properties are data, nested at most
/// <see cref="DepthMax"/> deep, with valid field names. Anything else (an accessor, a proxy, a
/// class instance, bytes, an error to report, a replaced built-in) goes to the interpreted
/// library function, which the substituted body passes as the last argument.
/// <para>
/// Handing over is safe because the native code has no effect before it decides: it reads only
/// own data properties (no getter, no proxy trap runs) and builds fresh objects nobody has seen.
/// The interpreted function then runs from the start and produces the library's result, its
/// error message and its stack.
/// </para>
/// </summary>
internal sealed class NativeValueConversion
{
    public const string ConvexToJsonInternalName = "convexSim:convexToJsonInternal";
    public const string JsonToConvexName = "convexSim:jsonToConvex";

    /// <summary>Convex values nest at most 64 deep; deeper input goes to the library as is.</summary>
    internal const int DepthMax = 64;

    private static readonly JsString Integer = new("$integer");
    private static readonly JsString Float = new("$float");
    private static readonly JsString Undefined = new("$undefined");
    private static readonly JsString Length = new("length");
    private static readonly JsString MapKey = new("map");
    private static readonly JsString ConstructorKey = new("constructor");

    private readonly Engine _engine;
    private readonly PristineIntrinsics _pristine;

    private NativeValueConversion(Engine engine)
    {
        _engine = engine;
        _pristine = new PristineIntrinsics(engine);
    }

    /// <summary>Counts native calls that completed (not handed over), for tests.</summary>
    public long NativeCalls { get; private set; }

    /// <summary>Counts calls handed to the interpreted library function, for tests.</summary>
    public long Fallbacks { get; private set; }

    /// <summary>Adds the two functions to <paramref name="convex"/> as non-enumerable properties.</summary>
    public static NativeValueConversion Install(Engine engine, ObjectInstance convex)
    {
        var conversion = new NativeValueConversion(engine);
        convex.DefineOwnProperty(ConvexToJsonInternalName, new PropertyDescriptor(
            new ClrFunction(engine, "convexToJsonInternal", conversion.ConvexToJsonInternal, 5, PropertyFlag.Configurable),
            PropertyFlag.Configurable | PropertyFlag.Writable));
        convex.DefineOwnProperty(JsonToConvexName, new PropertyDescriptor(
            new ClrFunction(engine, "jsonToConvex", conversion.JsonToConvex, 2, PropertyFlag.Configurable),
            PropertyFlag.Configurable | PropertyFlag.Writable));
        return conversion;
    }

    /// <summary><c>(value, originalValue, context, includeTopLevelUndefined, interpreted)</c>.</summary>
    private JsValue ConvexToJsonInternal(JsValue thisObject, JsValue[] arguments)
    {
        var value = Argument(arguments, 0);
        if (_pristine.Hold() && TryToJson(value, TypeConverter.ToBoolean(Argument(arguments, 3)), 0, out var json))
        {
            NativeCalls++;
            return json;
        }

        Fallbacks++;
        return Interpreted(arguments, 4).Call(JsValue.Undefined,
            [value, Argument(arguments, 1), Argument(arguments, 2), Argument(arguments, 3)]);
    }

    /// <summary><c>(value, interpreted)</c>.</summary>
    private JsValue JsonToConvex(JsValue thisObject, JsValue[] arguments)
    {
        var value = Argument(arguments, 0);
        if (_pristine.Hold() && TryFromJson(value, 0, out var converted))
        {
            NativeCalls++;
            return converted;
        }

        Fallbacks++;
        return Interpreted(arguments, 1).Call(JsValue.Undefined, [value]);
    }

    private static JsValue Argument(JsValue[] arguments, int index) =>
        index < arguments.Length ? arguments[index] : JsValue.Undefined;

    private Function Interpreted(JsValue[] arguments, int index) =>
        Argument(arguments, index) as Function
        ?? throw new JavaScriptException(_engine.Intrinsics.TypeError, "Convex.Sim: missing interpreted value conversion");

    /// <summary><c>convexToJsonInternal</c> without its error paths: false where the library would throw or do something unusual.</summary>
    private bool TryToJson(JsValue value, bool includeTopLevelUndefined, int depth, out JsValue json)
    {
        json = value;
        switch (value.Type)
        {
            case Types.Null:
            case Types.Boolean:
            case Types.String:
                return true;
            case Types.Number:
                var number = value.AsNumber();
                if (double.IsNaN(number) || double.IsInfinity(number) || (number == 0 && double.IsNegative(number)))
                {
                    json = Single(Float, ValueEncoding.Base64Float(number));
                }

                return true;
            case Types.BigInt:
                var integer = value.ToObject() is BigInteger big ? big : Invariant.Unreachable<BigInteger>("a bigint holds a BigInteger");
                if (integer < long.MinValue || integer > long.MaxValue)
                {
                    return false;
                }

                json = Single(Integer, ValueEncoding.Base64Integer((long)integer));
                return true;
            case Types.Object when depth < DepthMax:
                return value switch
                {
                    JsArray array => TryArray(array, depth, TryElementToJson, out json),
                    JsObject obj => TryObjectToJson(obj, includeTopLevelUndefined, depth, out json),
                    _ => false,
                };
            default:
                return false;
        }
    }

    private bool TryElementToJson(JsValue element, int depth, out JsValue json) => TryToJson(element, false, depth, out json);

    private bool TryObjectToJson(JsObject obj, bool includeTopLevelUndefined, int depth, out JsValue json)
    {
        json = JsValue.Undefined;
        // isSimpleObject: a null or Object.prototype prototype (cross-realm objects go to the library).
        if (obj.GetType() != typeof(JsObject) || (obj.Prototype is { } prototype && !ReferenceEquals(prototype, _pristine.ObjectPrototype)))
        {
            return false;
        }

        if (!TryEntries(obj, out var entries))
        {
            return false;
        }

        // The library sorts Object.entries with `a < b`: UTF-16 code unit order (keys are distinct).
        entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        if (entries.Count > 1)
        {
            Invariant.Assert(string.CompareOrdinal(entries[0].Key, entries[1].Key) < 0, "own keys are distinct");
        }

        var result = new JsObject(_engine);
        foreach (var (key, field) in entries)
        {
            JsValue converted;
            if (field.IsUndefined())
            {
                if (!includeTopLevelUndefined)
                {
                    continue;
                }

                converted = Single(Undefined, JsValue.Null);
            }
            else if (!TryToJson(field, false, depth + 1, out converted))
            {
                return false;
            }

            if (!ValueEncoding.IsValidFieldName(key) || !Store(result, key, converted))
            {
                return false;
            }
        }

        json = result;
        return true;
    }

    /// <summary><c>jsonToConvex</c> without its error paths.</summary>
    private bool TryFromJson(JsValue value, int depth, out JsValue converted)
    {
        converted = value;
        switch (value.Type)
        {
            case Types.Null:
            case Types.Boolean:
            case Types.Number:
            case Types.String:
                return true;
            case Types.Object when depth < DepthMax:
                return value switch
                {
                    JsArray array => TryArray(array, depth, TryFromJson, out converted),
                    JsObject obj => TryObjectFromJson(obj, depth, out converted),
                    _ => false,
                };
            default:
                return false;
        }
    }

    private bool TryObjectFromJson(JsObject obj, int depth, out JsValue converted)
    {
        converted = JsValue.Undefined;
        // jsonToConvex reads any object through Object.entries; only plain ones are taken here.
        if (obj.GetType() != typeof(JsObject) || (obj.Prototype is { } prototype && !ReferenceEquals(prototype, _pristine.ObjectPrototype)))
        {
            return false;
        }

        if (!TryEntries(obj, out var entries))
        {
            return false;
        }

        if (entries.Count == 1 && entries[0].Key.StartsWith('$'))
        {
            return TrySpecial(entries[0].Key, entries[0].Value, out converted);
        }

        var result = new JsObject(_engine);
        foreach (var (key, field) in entries)
        {
            if (!ValueEncoding.IsValidFieldName(key) || !TryFromJson(field, depth + 1, out var inner) || !Store(result, key, inner))
            {
                return false;
            }
        }

        converted = result;
        return true;
    }

    /// <summary>The one-key encodings: <c>$integer</c> and <c>$float</c> here, the rest (bytes, commit timestamps, errors) in the library.</summary>
    private static bool TrySpecial(string key, JsValue encoded, out JsValue converted)
    {
        converted = JsValue.Undefined;
        if (encoded is not JsString text || !ValueEncoding.TryDecodeEight(text.ToString(), out var bits))
        {
            return false; // also "$foo": an invalid field name the library reports
        }

        switch (key)
        {
            case "$integer":
                converted = new JsBigInt(new BigInteger(bits));
                return true;
            case "$float":
                var number = BitConverter.Int64BitsToDouble(bits);
                if (!(double.IsNaN(number) || double.IsInfinity(number) || (number == 0 && double.IsNegative(number))))
                {
                    return false; // "Float … should be encoded as a number"
                }

                converted = JsNumber.Create(number);
                return true;
            default:
                return false;
        }
    }

    private delegate bool Converter(JsValue value, int depth, out JsValue converted);

    /// <summary><c>array.map(convert)</c> for an ordinary dense array of data elements.</summary>
    private bool TryArray(JsArray array, int depth, Converter convert, out JsValue converted)
    {
        converted = JsValue.Undefined;
        if (!ReferenceEquals(array.Prototype, _pristine.ArrayPrototype)
            || array.GetOwnProperty(MapKey) != PropertyDescriptor.Undefined
            || array.GetOwnProperty(ConstructorKey) != PropertyDescriptor.Undefined)
        {
            return false;
        }

        var length = array.Get(Length).AsNumber();
        if (length > 1_000_000)
        {
            return false;
        }

        var items = new JsValue[(int)length];
        for (var i = 0; i < items.Length; i++)
        {
            var element = array.GetOwnProperty(JsNumber.Create(i));
            // A hole (map skips it and keeps the hole) or an accessor: the library's business.
            if (element == PropertyDescriptor.Undefined || element.IsAccessorDescriptor()
                || !convert(element.Value, depth + 1, out items[i]))
            {
                return false;
            }
        }

        Invariant.Assert(items.All(item => item is not null), "every element was converted");
        converted = new JsArray(_engine, items);
        return true;
    }

    /// <summary>
    /// <c>Object.entries(obj)</c> when every own enumerable string-keyed property is a data
    /// property (so reading them runs no code); false otherwise.
    /// </summary>
    private static bool TryEntries(JsObject obj, out List<KeyValuePair<string, JsValue>> entries)
    {
        var keys = obj.GetOwnPropertyKeys(Types.String);
        entries = new List<KeyValuePair<string, JsValue>>(keys.Count);
        foreach (var key in keys)
        {
            var descriptor = obj.GetOwnProperty(key);
            if (descriptor == PropertyDescriptor.Undefined || !descriptor.Enumerable)
            {
                continue;
            }

            if (descriptor.IsAccessorDescriptor())
            {
                return false;
            }

            entries.Add(new(key.ToString(), descriptor.Value));
        }

        return true;
    }

    /// <summary>The library's <c>result[key] = value</c> on a fresh object, or false where that would not just create the property.</summary>
    private bool Store(JsObject result, string key, JsValue value)
    {
        var name = new JsString(key);
        return _pristine.StoresAsData(name) && result.CreateDataProperty(name, value);
    }

    private JsObject Single(JsString key, JsValue value)
    {
        var result = new JsObject(_engine);
        result.CreateDataProperty(key, value);
        return result;
    }
}
