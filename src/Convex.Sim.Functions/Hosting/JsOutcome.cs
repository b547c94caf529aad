using Convex.Sim.Core.Values;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// How a function ended, as the engine reports it. <see cref="ResultJson"/> is the Convex-JSON
/// text the library produced; on failure <see cref="ErrorMessage"/> reads like Convex's
/// (<c>Uncaught Error: ...</c>) and <see cref="ErrorData"/> carries a <c>ConvexError</c>'s data.
/// </summary>
public sealed record JsOutcome(string? ResultJson, string? ErrorMessage, ConvexValue? ErrorData, bool IsSystemError = false)
{
    public bool Succeeded => ErrorMessage is null;

    public static JsOutcome Success(string json) => new(json, null, null);

    public static JsOutcome Failure(string message, ConvexValue? data = null) => new(null, message, data);

    public static JsOutcome SystemFailure(string message) => new(null, message, null, IsSystemError: true);
}
