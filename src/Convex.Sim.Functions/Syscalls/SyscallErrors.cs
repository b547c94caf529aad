using Convex.Sim.Core;

namespace Convex.Sim.Functions.Syscalls;

/// <summary>Developer errors raised by syscalls, phrased as Convex phrases them (convex-compat §5.5, §5.8).</summary>
internal static class SyscallErrors
{
    public static ConvexException BadArguments(string op, string reason) =>
        new("BadSyscallArguments", $"Invalid arguments for syscall {op}: {reason}");

    public static ConvexException UnknownOperation(string op) => new("UnknownOperation", $"Unknown operation {op}");

    public static ConvexException UnknownAsyncOperation(string op) => new("UnknownAsyncOperation", $"Unknown async operation {op}");

    /// <summary>A Convex feature that Convex.Sim does not implement yet (listed in docs/compatibility.md).</summary>
    public static ConvexException NotSupportedYet(string feature) =>
        new("NotSupportedYet", $"{feature} is not supported yet by Convex.Sim (see docs/compatibility.md)");

    public static ConvexException NotInThisFunctionKind(string what, string kinds) =>
        new("NotAllowed", $"{what} can only be used in {kinds}");
}
