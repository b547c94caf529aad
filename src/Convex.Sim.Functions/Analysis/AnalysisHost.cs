using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Runtime.Network;
using Jint.Native;

namespace Convex.Sim.Functions.Analysis;

/// <summary>
/// The host while modules are evaluated at push time: no syscalls (Convex forbids them at import
/// time), console output captured for error messages, seeded randomness and a fixed clock so that
/// module-level code evaluates the same way every time.
/// </summary>
internal sealed class AnalysisHost(IRandom random) : IExecutionHost
{
    public LogCollector Logs { get; } = new();

    public bool AllowsTimers => false;

    public string Syscall(string op, string argsJson) => throw NotAtImportTime(op);

    public ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken) =>
        throw NotAtImportTime(op);

    public JsValue JsSyscall(string op, JsValue args) => throw NotAtImportTime(op);

    public Task<HttpFetchResponse> FetchAsync(HttpFetchRequest request, CancellationToken cancellationToken) =>
        throw new ConvexException("NoFetchInQueriesOrMutations", WebApis.FetchApi.QueryMessage);

    public void Log(LogLevel level, string message) => Logs.Add(level, message);

    public double NextRandom() => (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public void NextBytes(Span<byte> destination) => random.NextBytes(destination);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => throw NotAtImportTime("setTimeout");

    private static ConvexException NotAtImportTime(string op) =>
        new("NoSyscallsAtImportTime",
            $"{op} cannot be used while modules are imported: database and other host calls only work inside a function");
}
