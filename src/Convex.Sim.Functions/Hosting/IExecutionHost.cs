using Jint.Native;

namespace Convex.Sim.Functions.Hosting;

/// <summary>Severity of a captured <c>console</c> line, named as Convex's log lines name them.</summary>
public enum LogLevel
{
    Debug,
    Info,
    Log,
    Warn,
    Error,
}

/// <summary>
/// What the engine can ask of the host during one execution: the syscalls of the <c>Convex</c>
/// global, log lines, randomness and the time. One host serves one execution, then is dropped.
/// </summary>
internal interface IExecutionHost
{
    /// <summary><c>Convex.syscall</c>: answers synchronously with a JSON string.</summary>
    /// <exception cref="Core.ConvexException">A developer error, thrown into JavaScript.</exception>
    string Syscall(string op, string argsJson);

    /// <summary><c>Convex.asyncSyscall</c>: answers later with a JSON string.</summary>
    /// <exception cref="Core.ConvexException">A developer error; the promise rejects with it.</exception>
    ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken);

    /// <summary><c>Convex.jsSyscall</c>: JavaScript-to-JavaScript helpers (HTTP actions, blobs).</summary>
    JsValue JsSyscall(string op, JsValue args);

    void Log(LogLevel level, string message);

    /// <summary>The next value of <c>Math.random()</c>.</summary>
    double NextRandom();

    /// <summary>Random bytes for <c>crypto.getRandomValues</c> and <c>randomUUID</c>.</summary>
    void NextBytes(Span<byte> destination);

    /// <summary>True when timers may actually wait (actions); queries and mutations refuse them.</summary>
    bool AllowsTimers { get; }

    /// <summary>Waits <paramref name="delay"/> on the runtime clock (actions only).</summary>
    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Sends an HTTP request through the runtime's network seam (actions only).</summary>
    Task<Runtime.Network.HttpFetchResponse> FetchAsync(Runtime.Network.HttpFetchRequest request, CancellationToken cancellationToken);
}
