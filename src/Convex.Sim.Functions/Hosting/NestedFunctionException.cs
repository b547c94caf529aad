using Convex.Sim.Core;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// A function called from another one (<c>runQuery</c>, <c>runMutation</c>, <c>runAction</c>)
/// failed. The caller's promise rejects with the callee's message and, for a <c>ConvexError</c>,
/// its data, so the caller sees a <c>ConvexError</c> with the same data.
/// </summary>
public sealed class NestedFunctionException(string message, ConvexValue? data) : ConvexException("NestedFunctionFailed", message)
{
    public ConvexValue? ErrorData { get; } = data;
}
