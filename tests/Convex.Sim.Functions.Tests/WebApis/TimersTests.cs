using static Convex.Sim.Functions.Tests.WebApis.JsHarness;

namespace Convex.Sim.Functions.Tests.WebApis;

public sealed class TimersTests
{
    [Theory]
    [InlineData("setTimeout(() => {}, 10);", "setTimeout")]
    [InlineData("setInterval(() => {}, 5);", "setInterval")]
    public async Task A_waiting_timer_in_a_query_or_mutation_is_Convex_error(string statement, string name)
    {
        Assert.Equal($"Uncaught Error: Can't use {name} in queries and mutations. Please consider using an action.",
            await ErrorAsync(statement));
    }

    [Fact]
    public async Task A_zero_delay_timer_in_a_query_runs_on_a_later_turn_with_its_arguments()
    {
        var harness = await RunAsync("""
            export async function run() {
              const log = [];
              setTimeout((a, b) => log.push(a + b), 0, 1, 2);
              setTimeout(() => log.push("no delay"));
              setTimeout(() => log.push("negative"), -5);
              await Promise.resolve();
              log.push("microtasks first");
              await new Promise((resolve) => setTimeout(resolve, 0));
              return log;
            }
            """);
        Assert.Equal("""["microtasks first",3,"no delay","negative"]""", harness.Value.GetRawText());
        Assert.Empty(harness.Host.Delays);
    }

    [Fact]
    public async Task A_timer_in_an_action_waits_on_the_host_clock()
    {
        var harness = await RunAsync("""
            export async function run() {
              const start = Date.now();
              await new Promise((resolve) => setTimeout(resolve, 100));
              return Date.now() - start;
            }
            """, action: true);
        Assert.Equal(100, harness.Value.GetInt32());
        Assert.Equal([TimeSpan.FromMilliseconds(100)], harness.Host.Delays);
    }

    [Fact]
    public async Task Timers_set_together_fire_in_due_order_and_the_waits_do_not_add_up()
    {
        var harness = await RunAsync("""
            export async function run() {
              const start = Date.now(); const log = [];
              const at = (name) => () => log.push(name + "@" + (Date.now() - start));
              setTimeout(at("a"), 200); setTimeout(at("b"), 100); setTimeout(at("c"), 100);
              await new Promise((resolve) => setTimeout(resolve, 300));
              return log;
            }
            """, action: true);
        Assert.Equal("""["b@100","c@100","a@200"]""", harness.Value.GetRawText());
        Assert.Equal([100, 100, 100], harness.Host.Delays.Select(d => (int)d.TotalMilliseconds));
    }

    [Fact]
    public async Task ClearTimeout_prevents_the_callback_and_ids_are_distinct_numbers()
    {
        var harness = await RunAsync("""
            export async function run() {
              const log = [];
              const a = setTimeout(() => log.push("a"), 50);
              const b = setTimeout(() => log.push("b"), 60);
              clearTimeout(a); clearTimeout("junk"); clearTimeout(); clearInterval(12345);
              await new Promise((resolve) => setTimeout(resolve, 100));
              return [typeof a, a !== b, a >= 1, log];
            }
            """, action: true);
        Assert.Equal("""["number",true,true,["b"]]""", harness.Value.GetRawText());
    }

    [Fact]
    public async Task SetInterval_repeats_until_cleared_even_from_its_own_callback()
    {
        var harness = await RunAsync("""
            export async function run() {
              const start = Date.now(); const ticks = [];
              await new Promise((resolve) => {
                const id = setInterval(() => {
                  ticks.push(Date.now() - start);
                  if (ticks.length === 3) { clearInterval(id); resolve(); }
                }, 40);
              });
              return ticks;
            }
            """, action: true);
        Assert.Equal("[40,80,120]", harness.Value.GetRawText());
    }

    [Fact]
    public async Task A_timer_callback_that_throws_fails_the_action_but_the_other_timers_still_run()
    {
        var harness = await RunAsync("""
            export async function run() {
              globalThis.ran = false;
              setTimeout(() => { throw new Error("late"); }, 10);
              setTimeout(() => { globalThis.ran = true; }, 10);
              await new Promise((resolve) => setTimeout(resolve, 20));
              return globalThis.ran;
            }
            """, action: true);
        Assert.Equal("Unhandled promise rejection: Uncaught Error: late", harness.Error);
        Assert.Equal(Jint.Native.JsBoolean.True, harness.Worker.Engine.Global.Get("ran"));
    }

    [Fact]
    public async Task A_pending_timer_does_not_keep_a_finished_function_alive()
    {
        var harness = await RunAsync("""
            export function run() { setTimeout(() => { throw new Error("never runs"); }, 1000); return "done"; }
            """, action: true);
        Assert.Equal("done", harness.Value.GetString());
        Assert.Empty(harness.Host.Delays);
    }

    [Fact]
    public async Task A_timer_of_an_earlier_execution_never_fires_in_the_next_one()
    {
        var harness = await RunAsync("""
            let runs = 0;
            export async function run() {
              runs++;
              if (runs === 1) { setTimeout(() => { globalThis.leaked = true; }, 0); return "first"; }
              await new Promise((resolve) => setTimeout(resolve, 0));
              return globalThis.leaked === true ? "leaked" : "clean";
            }
            """);
        Assert.Equal("first", harness.Value.GetString());
        await harness.RunAgainAsync();
        Assert.Equal("clean", harness.Value.GetString());
    }

    [Fact]
    public async Task A_string_callback_is_refused()
    {
        Assert.Equal("Uncaught TypeError: setTimeout with a string of code is not supported: pass a function",
            await ErrorAsync("setTimeout('1 + 1', 0);"));
    }
}
