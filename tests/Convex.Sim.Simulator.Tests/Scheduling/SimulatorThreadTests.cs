using Jint;

namespace Convex.Sim.Simulator.Tests.Scheduling;

/// <summary>Deep JavaScript recursion ends the same way in every run of a seed, whatever thread started it.</summary>
public sealed class SimulatorThreadTests
{
    /// <summary>Recurses until an engine limit: "caught RangeError" when the stack guard tripped first (a
    /// function could catch it), "host RecursionDepthOverflowException" when the call-depth limit did.</summary>
    private static string RecurseToTheLimit()
    {
        var engine = new Engine(options =>
        {
            options.Constraints.StackOverflowGuard = true;
            options.LimitRecursion(2_000);
            options.Strict = true;
        });
        try
        {
            return engine.Evaluate("function f(n) { return f(n + 1) + 1; } try { f(0); 'none' } catch (e) { 'caught ' + e.name }").ToString();
        }
        catch (Jint.Runtime.RecursionDepthOverflowException e)
        {
            return "host " + e.GetType().Name;
        }
    }

    private static string OnSmallThread(Func<string> body)
    {
        var result = "";
        var thread = new Thread(() => result = body(), 1 << 20);
        thread.Start();
        thread.Join();
        return result;
    }

    [Fact]
    public void The_call_depth_limit_trips_first_on_the_simulator_thread_even_when_called_from_a_small_stack()
    {
        // The hazard: on a 1 MB stack the native guard trips first, and JavaScript can catch it.
        Assert.Equal("caught RangeError", OnSmallThread(RecurseToTheLimit));

        Assert.Equal("host RecursionDepthOverflowException",
            OnSmallThread(() => SeedRun.OnSimulatorThread(RecurseToTheLimit)));
    }

    [Fact]
    public void A_failure_on_the_simulator_thread_is_rethrown_to_the_caller()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SeedRun.OnSimulatorThread<int>(() => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", error.Message);
    }
}
