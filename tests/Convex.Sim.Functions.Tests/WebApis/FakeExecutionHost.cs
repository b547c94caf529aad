using Convex.Sim.Core;
using Convex.Sim.Functions.Hosting;
using Jint.Native;

namespace Convex.Sim.Functions.Tests.WebApis;

/// <summary>A clock that moves only when told (or when a timer waits on it).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// An execution host for web API tests. Random bytes count up from the byte seed
/// (0, 1, 2, ... by default), so expected values can be written by hand. In action mode
/// (<see cref="AllowsTimers"/>) a timer wait advances the clock by its delay and records it; in
/// query mode every wait is refused, as <c>TransactionHost</c> refuses it.
/// </summary>
internal sealed class FakeExecutionHost(ManualClock clock, bool allowsTimers, byte byteSeed = 0) : IExecutionHost
{
    private byte _nextByte = byteSeed;
    private ulong _random = byteSeed;

    public List<string> Logs { get; } = [];

    public List<TimeSpan> Delays { get; } = [];

    public bool AllowsTimers => allowsTimers;

    public string Syscall(string op, string argsJson) =>
        throw new ConvexException("Unsupported", $"no syscall {op} in web API tests");

    public ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken) =>
        throw new ConvexException("Unsupported", $"no syscall {op} in web API tests");

    public JsValue JsSyscall(string op, JsValue args) => throw new ConvexException("Unsupported", $"no syscall {op}");

    public void Log(LogLevel level, string message) => Logs.Add($"[{level.ToString().ToUpperInvariant()}] {message}");

    public double NextRandom() => (++_random % 1000) / 1000.0;

    public void NextBytes(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = _nextByte++;
        }
    }

    /// <summary>Requests seen by <see cref="FetchAsync"/>.</summary>
    public List<Runtime.Network.HttpFetchRequest> Fetches { get; } = [];

    /// <summary>Answers 201 with the request's method, URL and body echoed as text.</summary>
    public Task<Runtime.Network.HttpFetchResponse> FetchAsync(Runtime.Network.HttpFetchRequest request, CancellationToken cancellationToken)
    {
        Fetches.Add(request);
        var body = System.Text.Encoding.UTF8.GetBytes(
            $"{request.Method} {request.Url} {System.Text.Encoding.UTF8.GetString(request.Body ?? [])}");
        return Task.FromResult(new Runtime.Network.HttpFetchResponse(
            201, "Created", [new("content-type", "text/plain"), new("x-echo", "yes")], body, request.Url));
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (!allowsTimers)
        {
            throw new ConvexException("NoTimersInQueriesOrMutations",
                "Can't use setTimeout in queries and mutations. Please consider using an action.");
        }

        Delays.Add(delay);
        clock.Advance(delay);
        return Task.CompletedTask;
    }
}
