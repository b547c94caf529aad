using Jint;
using Jint.Native;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>fetch</c>, not implemented yet. Like the real one it never throws synchronously: it
/// returns a rejected promise. In queries and mutations the rejection is Convex's own
/// "Can't use fetch() in queries and mutations" error (it does not depend on Convex.Sim's gaps);
/// in actions it says that Convex.Sim does not support fetch yet.
/// </summary>
internal static class FetchApi
{
    public const string QueryMessage = "Can't use fetch() in queries and mutations. Please consider using an action.";

    public const string NotSupportedMessage = "fetch is not supported yet by Convex.Sim (see docs/compatibility.md)";

    public static JsValue Create(WebApiContext context) => context.Function("fetch", 1, (_, _) =>
    {
        var message = context.Worker.Host.AllowsTimers ? NotSupportedMessage : QueryMessage;
        return context.Rejected(context.Worker.MakeError(message));
    });
}
