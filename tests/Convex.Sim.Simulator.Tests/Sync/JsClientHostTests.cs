using Convex.Sim.Core;
using Convex.Sim.Simulator.Scheduling;
using Convex.Sim.Simulator.Sync.Official;
using Jint;
using Jint.Native.Object;

namespace Convex.Sim.Simulator.Tests.Sync;

/// <summary>The official client's engine sees the simulator's clock, PRNG and timers, never the machine's.</summary>
public sealed class JsClientHostTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class NoSockets : ISocketHost
    {
        public int Open(ObjectInstance socket, string url) => 1;

        public void Send(int socket, string text)
        {
        }

        public void Close(int socket, int? code, string reason)
        {
        }
    }

    [Fact]
    public void Date_and_Math_random_come_from_the_simulator()
    {
        var loop = new SimLoop(7, Epoch);
        var node = new SimNode(loop, "client0");
        var first = new JsClientHost(loop, node, new Prng(7), _ => { }, new NoSockets());
        var second = new JsClientHost(loop, node, new Prng(7), _ => { }, new NoSockets());
        var other = new JsClientHost(loop, node, new Prng(8), _ => { }, new NoSockets());
        const string Draws = "[Math.random(), Math.random(), crypto.randomUUID()].join(' ')";

        Assert.Equal(Epoch.ToUnixTimeMilliseconds(), first.Engine.Evaluate("Date.now()").AsNumber());
        Assert.Equal(Epoch.ToUnixTimeMilliseconds(), first.Engine.Evaluate("new Date().getTime()").AsNumber());
        Assert.Equal(first.Engine.Evaluate(Draws).AsString(), second.Engine.Evaluate(Draws).AsString());
        Assert.NotEqual(first.Engine.Evaluate(Draws).AsString(), other.Engine.Evaluate(Draws).AsString());
        Assert.Equal("h\u00e9llo \u2713", first.Engine.Evaluate(
            "new TextDecoder().decode(new TextEncoder().encode('h\u00e9llo \u2713'))").AsString());
    }

    [Fact]
    public void Timers_fire_on_the_simulated_clock_and_console_goes_to_the_trace()
    {
        var loop = new SimLoop(7, Epoch);
        var node = new SimNode(loop, "client0");
        var traced = new List<string>();
        var host = new JsClientHost(loop, node, new Prng(7), traced.Add, new NoSockets());
        host.Engine.Execute("""
            globalThis.fired = [];
            setTimeout((tag) => { fired.push(tag + '@' + (Date.now() - START)); console.log('fired', tag); }, 250, 'a');
            const cleared = setTimeout(() => fired.push('never'), 100);
            clearTimeout(cleared);
            let n = 0;
            const every = setInterval(() => { fired.push('i@' + (Date.now() - START)); if (++n === 2) clearInterval(every); }, 400);
            """.Replace("START", Epoch.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal));

        var outcome = loop.Run(() => Task.Delay(TimeSpan.FromSeconds(2), loop.Time), TimeSpan.FromMinutes(1));

        Assert.Equal(RunOutcome.Completed, outcome);
        Assert.Equal("a@250,i@400,i@800", host.Engine.Evaluate("fired.join(',')").AsString());
        Assert.Contains("console.log fired a", traced);
        Assert.Equal(0, host.TimersPending);
    }

    [Fact]
    public void A_promise_rejected_with_no_handler_is_reported_after_the_checkpoint_and_a_handled_one_is_not()
    {
        var loop = new SimLoop(7, Epoch);
        var node = new SimNode(loop, "client0");
        var traced = new List<string>();
        var host = new JsClientHost(loop, node, new Prng(7), traced.Add, new NoSockets());
        var run = host.Engine.Evaluate("""
            (kind) => {
              if (kind === 'unhandled') { Promise.reject(new Error('boom')); }
              if (kind === 'late') { const p = Promise.reject(new Error('late')); Promise.resolve().then(() => p.catch(() => {})); }
              if (kind === 'handled') { Promise.reject(new Error('fine')).catch(() => {}); }
            }
            """);

        host.Call(run, Jint.Native.JsValue.Undefined, "handled");
        host.Call(run, Jint.Native.JsValue.Undefined, "late"); // handled within the same checkpoint
        Assert.Empty(host.UncaughtErrors);

        host.Call(run, Jint.Native.JsValue.Undefined, "unhandled");
        Assert.Equal(["uncaught (in promise): boom"], host.UncaughtErrors);
        Assert.Contains("uncaught (in promise): boom", traced);
    }
}
