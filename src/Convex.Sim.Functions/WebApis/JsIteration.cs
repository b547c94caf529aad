using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// The iteration protocol driven from C# (ECMA-262 §7.4: GetIterator, IteratorStep), for the
/// Web IDL sequence arguments (<c>new URLSearchParams([["a", "1"]])</c>, <c>new Headers(...)</c>).
/// A user iterator that never ends runs user JavaScript on every step, so the execution's
/// statement and memory budgets stop it.
/// </summary>
internal static class JsIteration
{
    /// <summary>The iterator method of <paramref name="value"/>, or null when it is not iterable.</summary>
    public static JsValue? IteratorMethod(WebApiContext context, ObjectInstance value)
    {
        var method = value.Get(GlobalSymbolRegistry.Iterator);
        if (method.IsNull() || method.IsUndefined())
        {
            return null;
        }

        return method.IsCallable() ? method : throw context.TypeError("The object's Symbol.iterator is not a function");
    }

    public static List<JsValue> ToList(WebApiContext context, JsValue iterable, JsValue method)
    {
        var engine = context.Engine;
        if (engine.Call(method, iterable, []) is not ObjectInstance iterator)
        {
            throw context.TypeError("Result of the Symbol.iterator method is not an object");
        }

        var next = iterator.Get("next");
        if (!next.IsCallable())
        {
            // Engine.Call would throw a .NET ArgumentException, which is not a JavaScript error.
            throw context.TypeError("The iterator's next method is not a function");
        }

        var values = new List<JsValue>();
        while (true)
        {
            if (engine.Call(next, iterator, []) is not ObjectInstance result)
            {
                throw context.TypeError("Iterator result is not an object");
            }

            if (TypeConverter.ToBoolean(result.Get("done")))
            {
                return values;
            }

            values.Add(result.Get("value"));
        }
    }

    /// <summary>
    /// Web IDL <c>sequence&lt;sequence&lt;ByteString or USVString&gt;&gt;</c> or
    /// <c>record&lt;..., ...&gt;</c> of string pairs, as <c>URLSearchParams</c> and <c>Headers</c>
    /// accept them. Symbol keys of a record are skipped.
    /// </summary>
    public static List<KeyValuePair<string, string>> StringPairs(
        WebApiContext context, ObjectInstance init, string interfaceName)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (IteratorMethod(context, init) is { } method)
        {
            foreach (var item in ToList(context, init, method))
            {
                var pair = item is ObjectInstance itemObject && IteratorMethod(context, itemObject) is { } itemMethod
                    ? ToList(context, itemObject, itemMethod)
                    : throw context.TypeError($"Failed to construct '{interfaceName}': " +
                        "The provided value cannot be converted to a sequence.");
                if (pair.Count != 2)
                {
                    throw context.TypeError(
                        $"Failed to construct '{interfaceName}': Sequence initializer must only contain pair elements");
                }

                pairs.Add(new(WebApiContext.ToUsvString(pair[0]), WebApiContext.ToUsvString(pair[1])));
            }

            return pairs;
        }

        foreach (var key in init.GetOwnPropertyKeys(Types.String))
        {
            var descriptor = init.GetOwnProperty(key);
            if (descriptor != Jint.Runtime.Descriptors.PropertyDescriptor.Undefined && descriptor.Enumerable)
            {
                pairs.Add(new(WebApiContext.ToWellFormed(key.ToString()), WebApiContext.ToUsvString(init.Get(key))));
            }
        }

        return pairs;
    }
}
