using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>Headers</c> (WHATWG Fetch §5.2), without guards (nothing in Convex.Sim hands out
/// immutable headers yet). Names are validated as HTTP tokens and kept lowercase; values are
/// trimmed of HTTP whitespace and must not contain NUL, CR or LF. <c>get</c> joins repeated
/// names with ", "; iteration is sorted by name and combined, except <c>set-cookie</c>, which is
/// listed once per value (and read with <c>getSetCookie</c>).
/// </summary>
internal static class HeadersApi
{
    public static JsValue Create(WebApiContext context)
    {
        var headers = new HostClass<HeaderList>(context, "Headers", 0, args =>
        {
            var list = new HeaderList();
            var init = WebApiContext.Arg(args, 0);
            if (init is HostObject<HeaderList> other)
            {
                list.Entries.AddRange(other.State.Entries);
            }
            else if (init is ObjectInstance initObject)
            {
                foreach (var (name, value) in JsIteration.StringPairs(context, initObject, "Headers"))
                {
                    list.Entries.Add(new(Name(context, name, "construct"), Value(context, value, "construct")));
                }
            }
            else if (!init.IsUndefined())
            {
                throw context.TypeError("Failed to construct 'Headers': The provided value is not of type " +
                    "'(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
            }

            return list;
        });
        Define(context, headers);
        return headers;
    }

    private static void Define(WebApiContext context, HostClass<HeaderList> headers)
    {
        string NameArg(JsValue[] args, string operation) =>
            Name(context, TypeConverter.ToString(WebApiContext.Arg(args, 0)), operation);

        headers.Method("append", 2, (list, args) =>
        {
            context.RequireArguments(args, 2, "Failed to execute 'append' on 'Headers'");
            list.Entries.Add(new(NameArg(args, "append"), Value(context, TypeConverter.ToString(args[1]), "append")));
            return JsValue.Undefined;
        });
        headers.Method("delete", 1, (list, args) =>
        {
            context.RequireArguments(args, 1, "Failed to execute 'delete' on 'Headers'");
            var name = NameArg(args, "delete");
            list.Entries.RemoveAll(e => e.Key == name);
            return JsValue.Undefined;
        });
        headers.Method("get", 1, (list, args) =>
        {
            context.RequireArguments(args, 1, "Failed to execute 'get' on 'Headers'");
            var name = NameArg(args, "get");
            var values = list.Entries.Where(e => e.Key == name).Select(e => e.Value).ToList();
            return values.Count == 0 ? JsValue.Null : new JsString(string.Join(", ", values));
        });
        headers.Method("getSetCookie", 0, (list, _) => new JsArray(context.Engine,
            [.. list.Entries.Where(e => e.Key == "set-cookie").Select(e => (JsValue)new JsString(e.Value))]));
        headers.Method("has", 1, (list, args) =>
        {
            context.RequireArguments(args, 1, "Failed to execute 'has' on 'Headers'");
            var name = NameArg(args, "has");
            return list.Entries.Exists(e => e.Key == name) ? JsBoolean.True : JsBoolean.False;
        });
        headers.Method("set", 2, (list, args) =>
        {
            context.RequireArguments(args, 2, "Failed to execute 'set' on 'Headers'");
            var name = NameArg(args, "set");
            var value = Value(context, TypeConverter.ToString(args[1]), "set");
            var index = list.Entries.FindIndex(e => e.Key == name);
            if (index < 0)
            {
                list.Entries.Add(new(name, value));
                return JsValue.Undefined;
            }

            list.Entries[index] = new(name, value);
            for (var i = list.Entries.Count - 1; i > index; i--)
            {
                if (list.Entries[i].Key == name)
                {
                    list.Entries.RemoveAt(i);
                }
            }

            return JsValue.Undefined;
        });
        headers.PairIterable(list => list.SortedAndCombined());
    }

    private static string Name(WebApiContext context, string name, string operation)
    {
        if (name.Length == 0 || !name.All(IsTokenCharacter))
        {
            throw context.TypeError($"Failed to execute '{operation}' on 'Headers': Invalid name");
        }

        return name.ToLowerInvariant();
    }

    private static string Value(WebApiContext context, string value, string operation)
    {
        var trimmed = value.Trim('\t', '\n', '\r', ' ');
        if (trimmed.Any(c => c is '\0' or '\r' or '\n' || c > 0xFF))
        {
            throw context.TypeError($"Failed to execute '{operation}' on 'Headers': Invalid value");
        }

        return trimmed;
    }

    private static bool IsTokenCharacter(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^'
            or '_' or '`' or '|' or '~';

    /// <summary>A header list: (lowercase name, value) pairs in insertion order.</summary>
    internal sealed class HeaderList
    {
        public List<KeyValuePair<string, string>> Entries { get; } = [];

        /// <summary>The "sort and combine" algorithm (Fetch §2.2.2).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> SortedAndCombined()
        {
            var output = new List<KeyValuePair<string, string>>();
            foreach (var name in Entries.Select(e => e.Key).Distinct().Order(StringComparer.Ordinal))
            {
                var values = Entries.Where(e => e.Key == name).Select(e => e.Value);
                if (name == "set-cookie")
                {
                    output.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
                }
                else
                {
                    output.Add(new(name, string.Join(", ", values)));
                }
            }

            return output;
        }
    }
}
