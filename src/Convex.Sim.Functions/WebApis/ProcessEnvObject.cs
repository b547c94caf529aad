using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// <c>process.env</c> as Convex builds it (<c>udf-runtime/src/setup.ts</c>): a proxy over an empty
/// object whose only trap is <c>get</c>, answered per read by the execution's host. So values are
/// those of the running execution, <c>Object.keys(process.env)</c> is empty, <c>"X" in
/// process.env</c> is false, and a missing name reads as undefined. Writes land on the empty
/// target and are shadowed by the trap, as in Convex. <c>inspect</c>, when not set, is a function
/// returning <c>"[process.env]"</c> (Convex's answer to Node's legacy inspection hook).
/// </summary>
internal sealed class ProcessEnvObject : ObjectInstance
{
    private readonly WebApiContext _context;
    private JsValue? _inspect;

    public ProcessEnvObject(WebApiContext context)
        : base(context.Engine)
    {
        _context = context;
        Prototype = context.ObjectPrototype;
    }

    public override JsValue Get(JsValue property, JsValue receiver)
    {
        if (property is not JsString key)
        {
            return base.Get(property, receiver);
        }

        var name = key.ToString();
        var host = _context.Worker.Host as IEnvironmentVariablesHost;
        if (host?.GetEnvironmentVariable(name) is { } value)
        {
            return new JsString(value);
        }

        if (name == "inspect")
        {
            return _inspect ??= _context.Function("inspect", 0, (_, _) => new JsString("[process.env]"));
        }

        return Undefined;
    }
}
