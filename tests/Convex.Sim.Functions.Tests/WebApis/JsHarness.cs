using System.Text.Json;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using Jint.Native;

namespace Convex.Sim.Functions.Tests.WebApis;

/// <summary>
/// Runs hand-written JavaScript on a real <see cref="JsWorker"/> through the real event loop,
/// with a <see cref="FakeExecutionHost"/> bound. The module must export <c>run()</c> (it may be
/// async); its result comes back JSON-encoded through <see cref="Outcome"/>.
/// </summary>
internal sealed class JsHarness
{
    public static readonly DateTimeOffset Start = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private const string Entry = """

        export async function __harness() {
          const value = await run();
          return JSON.stringify(value === undefined ? null : value);
        }
        """;

    private readonly bool _allowsTimers;
    private readonly byte _byteSeed;

    private JsHarness(string module, bool allowsTimers, byte byteSeed)
    {
        _allowsTimers = allowsTimers;
        _byteSeed = byteSeed;
        Clock = new ManualClock(Start);
        Host = new FakeExecutionHost(Clock, allowsTimers, byteSeed);
        Worker = new JsWorker(new ModuleSet([new ModuleSource("test.js", module + Entry)]), Clock);
    }

    public ManualClock Clock { get; }

    /// <summary>The host of the latest execution (each execution gets its own, as in the runner).</summary>
    public FakeExecutionHost Host { get; private set; }

    public JsWorker Worker { get; }

    public JsOutcome? Outcome { get; private set; }

    /// <summary>The result of <c>run()</c>, or a failed assertion that shows the error.</summary>
    public JsonElement Value
    {
        get
        {
            Assert.NotNull(Outcome);
            Assert.True(Outcome.Succeeded, Outcome.ErrorMessage);
            return JsonDocument.Parse(Outcome.ResultJson!).RootElement;
        }
    }

    public string Error
    {
        get
        {
            Assert.NotNull(Outcome);
            Assert.False(Outcome.Succeeded, $"expected a failure, got {Outcome.ResultJson}");
            return Outcome.ErrorMessage!;
        }
    }

    /// <summary>Runs a module in query mode (no waiting timers) unless <paramref name="action"/>.</summary>
    public static async Task<JsHarness> RunAsync(string module, bool action = false, byte byteSeed = 0)
    {
        var harness = new JsHarness(module, action, byteSeed);
        await harness.RunAgainAsync();
        return harness;
    }

    /// <summary>Evaluates one expression inside <c>run()</c> and returns its JSON value.</summary>
    public static async Task<JsonElement> EvalAsync(string expression) =>
        (await RunAsync($"export function run() {{ return ({expression}); }}")).Value;

    /// <summary>The error message of a function whose body is <paramref name="statements"/>.</summary>
    public static async Task<string> ErrorAsync(string statements, bool action = false) =>
        (await RunAsync($"export async function run() {{ {statements} }}", action)).Error;

    /// <summary>Runs <c>run()</c> again on the same worker, in a new execution with a fresh host.</summary>
    public async Task RunAgainAsync()
    {
        Host = new FakeExecutionHost(Clock, _allowsTimers, _byteSeed);
        var limits = new ExecutionLimits { UserTime = null, Statements = 1_000_000 };
        Worker.Bind(Host, Host.AllowsTimers ? limits.ForActions() : limits);
        try
        {
            Outcome = await JsEventLoop.RunAsync(Worker, () =>
            {
                var ns = Worker.Import("test.js");
                return Worker.Engine.Invoke(ns.Get("__harness"), JsValue.Undefined, []);
            }, TestContext.Current.CancellationToken);
        }
        finally
        {
            Worker.Unbind();
        }
    }
}
