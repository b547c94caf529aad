using Convex.Sim.Core;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using Jint;
using Jint.Native;

namespace Convex.Sim.Functions.Tests.Hosting;

/// <summary>The event loop: batching of async syscalls, FIFO settlement, and promises nothing settles.</summary>
public sealed class EventLoopTests
{
    private sealed class RecordingHost : IExecutionHost
    {
        public List<string> Calls { get; } = [];

        public int Turn { get; set; }

        public bool AllowsTimers => false;

        public string Syscall(string op, string argsJson) => throw new ConvexException("Nope", "no sync syscalls here");

        public ValueTask<string> AsyncSyscallAsync(string op, string argsJson, CancellationToken cancellationToken)
        {
            Calls.Add($"{op} {argsJson}");
            return ValueTask.FromResult(op == "fail" ? throw new ConvexException("Bad", "refused") : argsJson);
        }

        public JsValue JsSyscall(string op, JsValue args) => JsValue.Undefined;

        public void Log(LogLevel level, string message) => Calls.Add($"log {message}");

        public double NextRandom() => 0.5;

        public void NextBytes(Span<byte> destination) => destination.Fill(7);

        public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<Runtime.Network.HttpFetchResponse> FetchAsync(Runtime.Network.HttpFetchRequest request, CancellationToken cancellationToken) =>
            throw new ConvexException("Nope", "no network here");
    }

    private static async Task<(JsOutcome Outcome, RecordingHost Host)> RunAsync(string body)
    {
        var modules = new ModuleSet([new ModuleSource("test.js", $"export async function run() {{ {body} }}")]);
        var worker = new JsWorker(modules, TimeProvider.System);
        var host = new RecordingHost();
        worker.Bind(host, new ExecutionLimits { UserTime = null, Statements = 1_000_000 });
        try
        {
            var outcome = await JsEventLoop.RunAsync(worker, () =>
            {
                var run = worker.Import("test.js").Get("run");
                var promise = worker.Engine.Invoke(run, JsValue.Undefined, []);
                // The function's value becomes the JSON string the library would produce.
                return worker.Engine.Invoke(worker.Engine.Evaluate("(p) => p.then(v => JSON.stringify(v))"), promise);
            }, TestContext.Current.CancellationToken);
            return (outcome, host);
        }
        finally
        {
            worker.Unbind();
        }
    }

    [Fact]
    public async Task Syscalls_issued_in_one_turn_are_performed_in_order_and_resolve_in_order()
    {
        var (outcome, host) = await RunAsync("""
            const order = [];
            const a = Convex.asyncSyscall("get", "a").then(v => order.push(v));
            const b = Convex.asyncSyscall("get", "b").then(v => order.push(v));
            await Promise.all([a, b]);
            const c = await Convex.asyncSyscall("get", "c");
            order.push(c);
            return order;
            """);
        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal("""["a","b","c"]""", outcome.ResultJson);
        Assert.Equal(["get a", "get b", "get c"], host.Calls);
    }

    [Fact]
    public async Task A_refused_syscall_rejects_its_promise_with_a_catchable_error()
    {
        var (outcome, _) = await RunAsync("""
            try { await Convex.asyncSyscall("fail", "x"); return "not thrown"; }
            catch (e) { return e instanceof Error ? e.message : "not an Error"; }
            """);
        Assert.Equal("\"refused\"", outcome.ResultJson);
    }

    [Fact]
    public async Task A_promise_that_nothing_settles_fails_the_function_instead_of_hanging()
    {
        var (outcome, _) = await RunAsync("await new Promise(() => {}); return 1;");
        Assert.Equal("Uncaught Error: the function's promise never settled: it awaits something that nothing will resolve",
            outcome.ErrorMessage);
    }

    [Fact]
    public async Task Syscalls_need_a_string_operation()
    {
        var (outcome, _) = await RunAsync("return await Convex.asyncSyscall(42, 'x');");
        Assert.Equal("Uncaught TypeError: Convex syscall: argument `op` must be a string", outcome.ErrorMessage);
    }
}
