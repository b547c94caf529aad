namespace Convex.Sim.Functions.Hosting;

/// <summary>
/// What one function execution may spend. Production bounds user JavaScript time (time blocked in
/// syscalls is excluded, as in Convex); the simulator, whose clock does not move while JavaScript
/// runs, bounds statements instead so that the same seed always stops at the same statement.
/// </summary>
public sealed record ExecutionLimits
{
    /// <summary>Convex's default for queries and mutations: 1 s of user JavaScript time.</summary>
    public static readonly TimeSpan DefaultUdfUserTime = TimeSpan.FromSeconds(1);

    /// <summary>Convex's documented default for actions: 10 minutes.</summary>
    public static readonly TimeSpan DefaultActionUserTime = TimeSpan.FromMinutes(10);

    /// <summary>User JavaScript time per execution; null = unbounded.</summary>
    public TimeSpan? UserTime { get; init; } = DefaultUdfUserTime;

    /// <summary>JavaScript statements per execution (summed over every turn of the event loop); null = unbounded.</summary>
    public long? Statements { get; init; }

    /// <summary>
    /// Bytes the engine may allocate per host entry (Jint counts allocations, not the live heap, so
    /// this is set well above Convex's 64 MiB heap).
    /// </summary>
    public long MemoryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Maximum JavaScript call depth.</summary>
    public int RecursionDepth { get; init; } = 2_000;

    /// <summary>Maximum length of one JavaScript array.</summary>
    public uint ArrayLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Syscalls per execution: bounds loops that only await the host.</summary>
    public int Syscalls { get; init; } = 100_000;

    /// <summary>Limits for the simulator: deterministic statement budget, no clock-based deadline.</summary>
    public static ExecutionLimits Deterministic(long statements = 10_000_000) =>
        new() { UserTime = null, Statements = statements };

    public ExecutionLimits ForActions() => this with { UserTime = UserTime is null ? null : DefaultActionUserTime };
}
