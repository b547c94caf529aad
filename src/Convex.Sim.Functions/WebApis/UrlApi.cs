using System.Globalization;
using Convex.Sim.Core;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>URL</c> and <c>URLSearchParams</c> (WHATWG URL §6), over <see cref="UrlParser"/>. A URL's
/// <c>searchParams</c> is one object for the URL's lifetime and is live in both directions:
/// editing it rewrites the URL's query, setting <c>search</c> or <c>href</c> refills it.
/// Unlike Convex (which refuses the username, password and host setters), every setter works.
/// Parse failures throw Convex's <c>TypeError: Invalid URL: '...'</c>.
/// </summary>
internal sealed class UrlApi
{
    private readonly WebApiContext _context;

    public UrlApi(WebApiContext context)
    {
        _context = context;
        SearchParams = new HostClass<SearchParamsState>(context, "URLSearchParams", 0, ConstructSearchParams);
        Url = new HostClass<UrlInstance>(context, "URL", 1, ConstructUrl);
        DefineUrl();
        DefineSearchParams();
    }

    public HostClass<UrlInstance> Url { get; }

    public HostClass<SearchParamsState> SearchParams { get; }

    private UrlInstance ConstructUrl(JsValue[] args)
    {
        _context.RequireArguments(args, 1, "Failed to construct 'URL'");
        return Parse(args[0], WebApiContext.Arg(args, 1)) is { } record
            ? new UrlInstance(record)
            : throw InvalidUrl(args, WebApiContext.Arg(args, 1));
    }

    /// <summary>The "API URL parser": null when the URL or its base does not parse.</summary>
    private static UrlRecord? Parse(JsValue url, JsValue baseUrl)
    {
        UrlRecord? parsedBase = null;
        if (!baseUrl.IsUndefined())
        {
            parsedBase = UrlParser.Parse(WebApiContext.ToUsvString(baseUrl), null);
            if (parsedBase is null)
            {
                return null;
            }
        }

        return UrlParser.Parse(WebApiContext.ToUsvString(url), parsedBase);
    }

    private JavaScriptException InvalidUrl(JsValue[] args, JsValue baseUrl)
    {
        var baseFailed = !baseUrl.IsUndefined() && UrlParser.Parse(WebApiContext.ToUsvString(baseUrl), null) is null;
        var shown = baseFailed ? baseUrl : WebApiContext.Arg(args, 0);
        return _context.TypeError($"Invalid URL: '{WebApiContext.ToUsvString(shown)}'");
    }

    private void DefineUrl()
    {
        static JsString S(string value) => new(value);
        Url.Accessor("href", u => S(u.Record.Serialize()), (u, value) =>
        {
            var parsed = UrlParser.Parse(WebApiContext.ToUsvString(value), null)
                ?? throw _context.TypeError($"Invalid URL: '{WebApiContext.ToUsvString(value)}'");
            u.Record.CopyFrom(parsed);
            u.RefillQuery();
        });
        Url.Accessor("origin", u => S(u.Record.Origin()));
        Url.Accessor("protocol", u => S(u.Record.Scheme + ":"), (u, value) =>
            UrlParser.ParseInto(WebApiContext.ToUsvString(value) + ":", u.Record, UrlState.SchemeStart));
        Url.Accessor("username", u => S(u.Record.Username), (u, value) =>
        {
            if (!u.Record.CannotHaveCredentialsOrPort)
            {
                u.Record.Username = UrlEncoding.Encode(WebApiContext.ToUsvString(value), PercentEncodeSet.Userinfo);
            }
        });
        Url.Accessor("password", u => S(u.Record.Password), (u, value) =>
        {
            if (!u.Record.CannotHaveCredentialsOrPort)
            {
                u.Record.Password = UrlEncoding.Encode(WebApiContext.ToUsvString(value), PercentEncodeSet.Userinfo);
            }
        });
        Url.Accessor("host", u => S(u.Host), (u, value) =>
        {
            if (!u.Record.HasOpaquePath)
            {
                UrlParser.ParseInto(WebApiContext.ToUsvString(value), u.Record, UrlState.Host);
            }
        });
        Url.Accessor("hostname", u => S(u.Record.Host ?? ""), (u, value) =>
        {
            if (!u.Record.HasOpaquePath)
            {
                UrlParser.ParseInto(WebApiContext.ToUsvString(value), u.Record, UrlState.Hostname);
            }
        });
        Url.Accessor("port", u => S(u.Record.Port?.ToString(CultureInfo.InvariantCulture) ?? ""),
            (u, value) => u.SetPort(WebApiContext.ToUsvString(value)));
        Url.Accessor("pathname", u => S(u.Record.SerializePath()),
            (u, value) => u.SetPathname(WebApiContext.ToUsvString(value)));
        Url.Accessor("search", u => S(u.Record.Query is null or "" ? "" : "?" + u.Record.Query),
            (u, value) => u.SetSearch(WebApiContext.ToUsvString(value)));
        Url.Accessor("searchParams", u => u.QueryObject ??= SearchParams.Wrap(u.Query));
        Url.Accessor("hash", u => S(u.Record.Fragment is null or "" ? "" : "#" + u.Record.Fragment),
            (u, value) => u.SetHash(WebApiContext.ToUsvString(value)));
        Url.Method("toString", 0, (u, _) => S(u.Record.Serialize()));
        Url.Method("toJSON", 0, (u, _) => S(u.Record.Serialize()));
        Url.StaticMethod("canParse", 1, args =>
        {
            _context.RequireArguments(args, 1, "Failed to execute 'canParse' on 'URL'");
            return Parse(args[0], WebApiContext.Arg(args, 1)) is null ? JsBoolean.False : JsBoolean.True;
        });
        Url.StaticMethod("parse", 1, args =>
        {
            _context.RequireArguments(args, 1, "Failed to execute 'parse' on 'URL'");
            return Parse(args[0], WebApiContext.Arg(args, 1)) is { } record
                ? Url.Wrap(new UrlInstance(record))
                : JsValue.Null;
        });
    }

    private SearchParamsState ConstructSearchParams(JsValue[] args)
    {
        var init = WebApiContext.Arg(args, 0);
        if (init is ObjectInstance initObject)
        {
            return new SearchParamsState(JsIteration.StringPairs(_context, initObject, "URLSearchParams"));
        }

        if (init.IsUndefined())
        {
            return new SearchParamsState([]);
        }

        var text = WebApiContext.ToUsvString(init);
        return new SearchParamsState(UrlEncoding.ParseForm(text.StartsWith('?') ? text[1..] : text));
    }

    private void DefineSearchParams()
    {
        var engine = _context.Engine;
        static string Name(JsValue[] args) => WebApiContext.ToUsvString(WebApiContext.Arg(args, 0));
        SearchParams.Accessor("size", q => JsNumber.Create(q.List.Count));
        SearchParams.Method("append", 2, (q, args) =>
        {
            _context.RequireArguments(args, 2, "Failed to execute 'append' on 'URLSearchParams'");
            q.List.Add(new(Name(args), WebApiContext.ToUsvString(args[1])));
            q.Update();
            return JsValue.Undefined;
        });
        SearchParams.Method("delete", 1, (q, args) =>
        {
            _context.RequireArguments(args, 1, "Failed to execute 'delete' on 'URLSearchParams'");
            var name = Name(args);
            var value = WebApiContext.Arg(args, 1);
            var only = value.IsUndefined() ? null : WebApiContext.ToUsvString(value);
            q.List.RemoveAll(p => p.Key == name && (only is null || p.Value == only));
            q.Update();
            return JsValue.Undefined;
        });
        SearchParams.Method("get", 1, (q, args) =>
        {
            _context.RequireArguments(args, 1, "Failed to execute 'get' on 'URLSearchParams'");
            var name = Name(args);
            var index = q.List.FindIndex(p => p.Key == name);
            return index < 0 ? JsValue.Null : new JsString(q.List[index].Value);
        });
        SearchParams.Method("getAll", 1, (q, args) =>
        {
            _context.RequireArguments(args, 1, "Failed to execute 'getAll' on 'URLSearchParams'");
            var name = Name(args);
            var values = q.List.Where(p => p.Key == name).Select(p => (JsValue)new JsString(p.Value));
            return new JsArray(engine, [.. values]);
        });
        SearchParams.Method("has", 1, (q, args) =>
        {
            _context.RequireArguments(args, 1, "Failed to execute 'has' on 'URLSearchParams'");
            var name = Name(args);
            var value = WebApiContext.Arg(args, 1);
            var only = value.IsUndefined() ? null : WebApiContext.ToUsvString(value);
            var found = q.List.Exists(p => p.Key == name && (only is null || p.Value == only));
            return found ? JsBoolean.True : JsBoolean.False;
        });
        SearchParams.Method("set", 2, (q, args) =>
        {
            _context.RequireArguments(args, 2, "Failed to execute 'set' on 'URLSearchParams'");
            q.Set(Name(args), WebApiContext.ToUsvString(args[1]));
            return JsValue.Undefined;
        });
        SearchParams.Method("sort", 0, (q, _) =>
        {
            // Stable, by UTF-16 code units of the names (OrderBy is stable; ordinal compares code units).
            var sorted = q.List.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            q.List.Clear();
            q.List.AddRange(sorted);
            q.Update();
            return JsValue.Undefined;
        });
        SearchParams.Method("toString", 0, (q, _) => new JsString(UrlEncoding.SerializeForm(q.List)));
        SearchParams.PairIterable(q => q.List);
    }

    /// <summary>A URL object: its record and its query object (§6.1 "URL class").</summary>
    internal sealed class UrlInstance
    {
        public UrlInstance(UrlRecord record)
        {
            Record = record;
            Query = new SearchParamsState(UrlEncoding.ParseForm(record.Query ?? "")) { Url = this };
        }

        public UrlRecord Record { get; }

        public SearchParamsState Query { get; }

        /// <summary>The JavaScript <c>searchParams</c> object, made on first access and then always the same.</summary>
        public ObjectInstance? QueryObject { get; set; }

        public string Host => Record.Host is null ? ""
            : Record.Port is { } port ? Record.Host + ":" + port.ToString(CultureInfo.InvariantCulture)
            : Record.Host;

        public void RefillQuery()
        {
            Query.List.Clear();
            Query.List.AddRange(UrlEncoding.ParseForm(Record.Query ?? ""));
        }

        public void SetPort(string value)
        {
            if (Record.CannotHaveCredentialsOrPort)
            {
                return;
            }

            if (value.Length == 0)
            {
                Record.Port = null;
                return;
            }

            UrlParser.ParseInto(value, Record, UrlState.Port);
        }

        public void SetPathname(string value)
        {
            if (Record.HasOpaquePath)
            {
                return;
            }

            Record.Path = [];
            UrlParser.ParseInto(value, Record, UrlState.PathStart);
        }

        public void SetSearch(string value)
        {
            if (value.Length == 0)
            {
                Record.Query = null;
                Query.List.Clear();
                Record.StripTrailingSpacesFromOpaquePath();
                return;
            }

            Record.Query = "";
            UrlParser.ParseInto(value.StartsWith('?') ? value[1..] : value, Record, UrlState.Query);
            RefillQuery();
        }

        public void SetHash(string value)
        {
            if (value.Length == 0)
            {
                Record.Fragment = null;
                Record.StripTrailingSpacesFromOpaquePath();
                return;
            }

            Record.Fragment = "";
            UrlParser.ParseInto(value.StartsWith('#') ? value[1..] : value, Record, UrlState.Fragment);
        }
    }

    /// <summary>A <c>URLSearchParams</c>' list, and the URL it writes its serialization into, if any.</summary>
    internal sealed class SearchParamsState(List<KeyValuePair<string, string>> list)
    {
        public List<KeyValuePair<string, string>> List { get; } = list;

        public UrlInstance? Url { get; init; }

        public void Set(string name, string value)
        {
            var index = List.FindIndex(p => p.Key == name);
            if (index < 0)
            {
                List.Add(new(name, value));
            }
            else
            {
                // The first pair keeps its place and takes the value; later pairs of that name go.
                List[index] = new(name, value);
                for (var i = List.Count - 1; i > index; i--)
                {
                    if (List[i].Key == name)
                    {
                        List.RemoveAt(i);
                    }
                }

                Invariant.Assert(List.Count(p => p.Key == name) == 1);
            }

            Update();
        }

        /// <summary>The "update steps" (§6.2): the URL's query follows the list.</summary>
        public void Update()
        {
            if (Url is null)
            {
                return;
            }

            var serialized = UrlEncoding.SerializeForm(List);
            Url.Record.Query = serialized.Length == 0 ? null : serialized;
            if (serialized.Length == 0)
            {
                Url.Record.StripTrailingSpacesFromOpaquePath();
            }
        }
    }
}
