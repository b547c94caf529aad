using System.Globalization;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// Renders console arguments the way Convex's log lines show them (a <c>util.inspect</c>-like
/// form): top-level strings as-is, nested strings single-quoted, objects as <c>{ a: 1 }</c>,
/// arrays as <c>[ 1, 2 ]</c>, depth limited to 2 below the top like Node's default.
/// </summary>
internal static class JsInspect
{
    private const int MaxDepth = 2;
    private const int MaxItems = 100;

    public static string Format(JsValue[] args)
    {
        var text = new StringBuilder();
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            if (args[i] is JsString s)
            {
                text.Append(s.ToString());
            }
            else
            {
                Append(text, args[i], 0, []);
            }
        }

        return text.ToString();
    }

    public static string Inspect(JsValue value)
    {
        var text = new StringBuilder();
        Append(text, value, 0, []);
        return text.ToString();
    }

    private static void Append(StringBuilder text, JsValue value, int depth, HashSet<ObjectInstance> seen)
    {
        switch (value)
        {
            case JsString s:
                text.Append('\'').Append(s.ToString().Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
                return;
            case JsNumber n:
                text.Append(NumberText(n.AsNumber()));
                return;
            case JsBigInt b:
                text.Append(b.ToString()).Append('n');
                return;
            case JsBoolean flag:
                text.Append(flag.AsBoolean() ? "true" : "false");
                return;
            case JsSymbol symbol:
                text.Append(symbol.ToString());
                return;
        }

        if (value.IsNull())
        {
            text.Append("null");
            return;
        }

        if (value is not ObjectInstance obj)
        {
            text.Append("undefined");
            return;
        }

        AppendObject(text, obj, depth, seen);
    }

    private static void AppendObject(StringBuilder text, ObjectInstance obj, int depth, HashSet<ObjectInstance> seen)
    {
        if (obj is Jint.Native.Function.Function fn)
        {
            var name = fn.Get("name").ToString();
            text.Append(name.Length == 0 ? "[Function (anonymous)]" : $"[Function: {name}]");
            return;
        }

        if (obj is JsError)
        {
            // Node prints "Name: message" and then the frames; Jint's stack holds only the frames.
            text.Append(obj.Get("name")).Append(": ").Append(obj.Get("message"));
            if (obj.Get("stack") is JsString stack && stack.ToString().Trim().Length > 0)
            {
                text.Append('\n').Append(stack.ToString().TrimEnd());
            }
            return;
        }

        if (obj is JsDate date)
        {
            text.Append(date.ToString());
            return;
        }

        if (!seen.Add(obj))
        {
            text.Append("[Circular]");
            return;
        }

        try
        {
            if (obj is JsArray array)
            {
                AppendArray(text, array, depth, seen);
            }
            else
            {
                AppendPlainObject(text, obj, depth, seen);
            }
        }
        finally
        {
            seen.Remove(obj);
        }
    }

    private static void AppendArray(StringBuilder text, JsArray array, int depth, HashSet<ObjectInstance> seen)
    {
        var length = array.Length;
        if (length == 0)
        {
            text.Append("[]");
            return;
        }

        if (depth > MaxDepth)
        {
            text.Append("[Array]");
            return;
        }

        text.Append("[ ");
        for (uint i = 0; i < length && i < MaxItems; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            Append(text, array.Get(i), depth + 1, seen);
        }

        if (length > MaxItems)
        {
            text.Append(CultureInfo.InvariantCulture, $", ... {length - MaxItems} more items");
        }

        text.Append(" ]");
    }

    private static void AppendPlainObject(StringBuilder text, ObjectInstance obj, int depth, HashSet<ObjectInstance> seen)
    {
        var keys = obj.GetOwnPropertyKeys(Jint.Runtime.Types.String)
            .Where(k => obj.GetOwnProperty(k).Enumerable)
            .ToList();
        if (keys.Count == 0)
        {
            text.Append("{}");
            return;
        }

        if (depth > MaxDepth)
        {
            text.Append("[Object]");
            return;
        }

        text.Append("{ ");
        var first = true;
        foreach (var key in keys.Take(MaxItems))
        {
            if (!first)
            {
                text.Append(", ");
            }

            first = false;
            var name = key.ToString();
            text.Append(IsIdentifier(name) ? name : $"'{name}'").Append(": ");
            Append(text, obj.Get(key), depth + 1, seen);
        }

        text.Append(" }");
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] is '_' or '$')
        && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '$');

    internal static string NumberText(double value) =>
        value == 0 && double.IsNegative(value) ? "-0" : JsNumber.Create(value).ToString();
}
