using Convex.Sim.Core;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// A function was stopped by the host: a limit was exceeded or the engine can no longer be
/// trusted. The engine that ran it is thrown away; the rest of the server is unaffected.
/// </summary>
public sealed class FunctionAbortedException(string code, string message) : ConvexException(code, message);
