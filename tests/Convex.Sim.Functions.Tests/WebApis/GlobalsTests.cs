using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class GlobalsTests
{
    [Fact]
    public async Task Performance_now_reads_the_execution_clock_with_a_unix_epoch_origin()
    {
        var harness = await RunAsync("""
            export async function run() {
              const before = performance.now();
              const date = Date.now();
              await new Promise((resolve) => setTimeout(resolve, 250));
              return [before === date, performance.now() - before, performance.timeOrigin, performance.toJSON()];
            }
            """, action: true);
        Assert.Equal("""[true,250,0,{"timeOrigin":0}]""", harness.Value.GetRawText());
    }

    [Fact]
    public async Task Performance_now_is_frozen_when_the_execution_clock_is()
    {
        var harness = await RunAsync("export function run() { return [performance.now(), Date.now()]; }");
        harness.Worker.Clock.Freeze(new DateTimeOffset(1970, 1, 1, 0, 0, 1, 500, TimeSpan.Zero));
        await harness.RunAgainAsync();
        Assert.Equal("[1500,1500]", harness.Value.GetRawText());
    }

    [Fact]
    public async Task QueueMicrotask_runs_after_the_current_code_in_fifo_order_with_promise_jobs()
    {
        var value = await EvalAsync("""
            (async () => { const log = [];
              queueMicrotask(() => log.push("micro"));
              Promise.resolve().then(() => log.push("then"));
              queueMicrotask(function () { log.push(arguments.length); });
              log.push("sync");
              await new Promise((resolve) => setTimeout(resolve, 0));
              return log; })()
            """);
        Assert.Equal("""["sync","micro","then",0]""", value.GetRawText());
    }

    [Fact]
    public async Task An_error_in_a_microtask_fails_the_function()
    {
        var error = await ErrorAsync("queueMicrotask(() => { throw new Error('boom'); }); return 1;");
        Assert.Equal("Unhandled promise rejection: Uncaught Error: boom", error);
        Assert.Equal(
            "Uncaught TypeError: Failed to execute 'queueMicrotask': " +
            "The callback provided as parameter 1 is not a function.",
            await ErrorAsync("queueMicrotask(1);"));
    }

    [Fact]
    public async Task Self_is_the_global_object_and_process_env_is_empty()
    {
        var value = await EvalAsync("""
            [self === globalThis, typeof process.env, process.env.CONVEX_CLOUD_URL === undefined,
             Object.keys(process.env).length, typeof process.versions]
            """);
        Assert.Equal("""[true,"object",true,0,"undefined"]""", value.GetRawText());
    }

    [Fact]
    public async Task Every_global_exists_before_first_use_and_is_not_enumerable()
    {
        var value = await EvalAsync("""
            ["URL", "URLSearchParams", "TextEncoder", "TextDecoder", "atob", "btoa", "structuredClone", "crypto",
             "performance", "queueMicrotask", "self", "process", "setTimeout", "clearTimeout", "setInterval",
             "clearInterval", "fetch", "Headers", "AbortController", "AbortSignal", "DOMException"]
              .filter((name) => !(name in globalThis) || Object.getOwnPropertyDescriptor(globalThis, name).enumerable)
            """);
        Assert.Equal("[]", value.GetRawText());
    }

    [Fact]
    public async Task A_global_can_be_replaced_by_user_code()
    {
        var value = await EvalAsync(
            "(() => { globalThis.atob = () => 'mine'; const URL = 1; return [atob('x'), URL]; })()");
        Assert.Equal("""["mine",1]""", value.GetRawText());
    }
}
