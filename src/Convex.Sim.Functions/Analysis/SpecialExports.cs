using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.Analysis;

/// <summary>
/// The default exports of the two special modules (convex-compat §5.4): <c>http.js</c> must
/// export a router (<c>isRouter</c>) whose <c>getRoutes()</c> lists [path, method, handler];
/// <c>crons.js</c> must export crons (<c>isCrons</c>) whose <c>export()</c> returns JSON.
/// </summary>
internal static class SpecialExports
{
    private static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    public static IReadOnlyList<HttpRoute> HttpRoutes(ObjectInstance ns)
    {
        if (ns.Get("default") is not ObjectInstance router || !FunctionInvoker.IsTrue(router, "isRouter"))
        {
            throw new ConvexException("InvalidHttpRouter", "http.js must default-export a router made with httpRouter()");
        }

        var routes = new List<HttpRoute>();
        var list = ns.Engine.Invoke(router.Get("getRoutes"), router, []);
        foreach (var entry in list.AsArray())
        {
            var tuple = entry.AsArray();
            var path = tuple[0].ToString();
            var method = tuple[1].ToString();
            if (!Methods.Contains(method))
            {
                throw new ConvexException("InvalidHttpRouter", $"http.js: route {path} has an unsupported method {method}");
            }

            routes.Add(new HttpRoute(path, method));
        }

        return routes;
    }

    public static string CronsJson(ObjectInstance ns)
    {
        if (ns.Get("default") is not ObjectInstance crons || !FunctionInvoker.IsTrue(crons, "isCrons"))
        {
            throw new ConvexException("InvalidCrons", "crons.js must default-export the result of cronJobs()");
        }

        return ns.Engine.Invoke(crons.Get("export"), crons, []) is JsString json
            ? json.ToString()
            : throw new ConvexException("InvalidCrons", "crons.js: export() did not return a JSON string");
    }
}
