using Convex.Sim.Database.Errors;

namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// Errors that are the server's fault, not the function's: they end the whole execution as a
/// system error ("Server Error") instead of rejecting a syscall the function could catch.
/// </summary>
internal static class SystemErrors
{
    public static bool IsSystem(Exception e) =>
        e is DatabaseUnavailableException or CommitOutcomeUnknownException or Core.ConvexException { Code: "Internal" }
        || e is not Core.ConvexException;
}
