using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// <c>JSON.parse</c> with one parser per engine. Jint's own <c>JSON.parse</c> builds a new parser for
/// every call, and the parser's two string-interning tables (256 entries each, about 6.5 KB apiece)
/// with it: on the small texts the library parses for every argument list and syscall result, that
/// was most of the call (measured: 2.2 µs and 6.7 KB for a 34-character string). The same Jint parser
/// is kept here and reset by Jint between parses, so the grammar, the objects built, the errors and
/// their messages stay Jint's own. With a reviver the original function runs (it needs the parser's
/// source positions for the reviver's context argument).
/// </summary>
internal static class JsonParse
{
    public static void Install(JsWorker worker)
    {
        var json = worker.Engine.Global.Get("JSON").AsObject();
        var original = json.Get("parse");
        var parser = new JsonParser(worker.Engine);
        var parse = worker.Function("parse", 2, (thisObject, arguments) =>
        {
            var reviver = arguments.Length > 1 ? arguments[1] : JsValue.Undefined;
            if (reviver.IsCallable())
            {
                return worker.Engine.Call(original, thisObject, arguments);
            }

            // ToString first, as the specification orders it: it may run user code (a toString method),
            // which may itself call JSON.parse and use the shared parser before this parse starts.
            var text = TypeConverter.ToString(arguments.Length > 0 ? arguments[0] : JsValue.Undefined);
            return parser.Parse(text);
        });
        json.Set("parse", parse);
    }
}
