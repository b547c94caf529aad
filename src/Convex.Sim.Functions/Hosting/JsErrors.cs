using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// Converts what a function threw into Convex's error shape (convex-compat §4.5, §5.2): the
/// message <c>Uncaught &lt;name&gt;: &lt;message&gt;</c>, and for a <c>ConvexError</c> its data,
/// which the library has already Convex-JSON encoded into a string.
/// </summary>
internal static class JsErrors
{
    public static JsOutcome FromThrown(JsValue thrown)
    {
        if (thrown is not ObjectInstance error)
        {
            // A thrown string or number: no name, no stack.
            return JsOutcome.Failure($"Uncaught {Describe(thrown)}");
        }

        var name = error.Get("name") is JsString n ? n.ToString() : "Error";
        var message = error.Get("message") is JsString m ? m.ToString() : Describe(error);
        var data = ConvexErrorData(error);
        return JsOutcome.Failure($"Uncaught {name}: {message}", data);
    }

    private static ConvexValue? ConvexErrorData(ObjectInstance error)
    {
        var marker = error.Get("ConvexErrorSymbol");
        if (marker is not JsSymbol symbol || symbol.ToString() != "Symbol(ConvexError)")
        {
            return null;
        }

        if (error.Get("data") is not JsString encoded)
        {
            return null;
        }

        try
        {
            return ConvexJson.Decode(encoded.ToString());
        }
        catch (ConvexException)
        {
            return null;
        }
    }

    private static string Describe(JsValue value) => value is JsString s ? s.ToString() : WebApis.JsInspect.Inspect(value);
}
