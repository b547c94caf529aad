using Convex.Sim.Core;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.WebApis;
using Convex.Sim.Runtime.Network;
using Jint.Native;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The host while a pooled engine imports its modules ahead of requests: the push-time rules of
/// <see cref="AnalysisHost"/> (no syscalls, seeded randomness), plus the deployment's environment
/// variables, because module-level code may read <c>process.env</c> and keep the value.
/// </summary>
internal sealed class ImportHost(AnalysisHost inner, DeploymentEnvironment environment)
    : IExecutionHost, IEnvironmentVariablesHost
{
    public bool AllowsTimers => inner.AllowsTimers;

    public string Syscall(string op, string argsJson) => inner.Syscall(op, argsJson);

    public ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken) =>
        inner.AsyncSyscallAsync(op, argsJson, cancellationToken);

    public JsValue JsSyscall(string op, JsValue args) => inner.JsSyscall(op, args);

    public void Log(Hosting.LogLevel level, string message) => inner.Log(level, message);

    public double NextRandom() => inner.NextRandom();

    public void NextBytes(Span<byte> destination) => inner.NextBytes(destination);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        inner.DelayAsync(delay, cancellationToken);

    public Task<HttpFetchResponse> FetchAsync(HttpFetchRequest request, CancellationToken cancellationToken) =>
        inner.FetchAsync(request, cancellationToken);

    public string? GetEnvironmentVariable(string name)
    {
        Invariant.Assert(name is not null);
        return environment.Get(name);
    }
}
