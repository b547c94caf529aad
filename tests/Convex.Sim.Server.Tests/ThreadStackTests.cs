using System.Text.Json;
using Convex.Sim.Functions.Hosting;
using Jint;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// Deep recursion ends at the configured call-depth limit in production, as in the simulator: the
/// server's threads get a stack big enough that Jint's native stack guard never trips first.
/// </summary>
public sealed class ThreadStackTests
{
    /// <summary>The stack size the server's runtime configuration gives every thread, or null when unset.</summary>
    private static int? ConfiguredStackBytes()
    {
        var directory = Path.GetDirectoryName(typeof(ServerOptions).Assembly.Location)!;
        var config = Path.Combine(directory, "Convex.Sim.Server.runtimeconfig.json");
        Assert.True(File.Exists(config), $"the server's runtime configuration is built next to it: {config}");
        using var json = JsonDocument.Parse(File.ReadAllText(config));
        if (!json.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties)
            || !properties.TryGetProperty("System.Threading.DefaultStackSize", out var size))
        {
            return null;
        }

        var text = size.ValueKind == JsonValueKind.String ? size.GetString()! : size.GetRawText();
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? Convert.ToInt32(text[2..], 16)
            : int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Recurses with the runner's engine limits until one trips: "caught RangeError" when the native
    /// stack guard did (JavaScript can catch it), "depth limit" when the call-depth limit did.</summary>
    private static string RecurseToTheLimit()
    {
        var engine = new Engine(options =>
        {
            options.Constraints.StackOverflowGuard = true;
            options.LimitRecursion(new ExecutionLimits().RecursionDepth);
            options.Strict = true;
        });
        try
        {
            return engine.Evaluate("function f(n) { return f(n + 1) + 1; } try { f(0); 'none' } catch (e) { 'caught ' + e.name }").ToString();
        }
        catch (Jint.Runtime.RecursionDepthOverflowException)
        {
            return "depth limit";
        }
    }

    private static string OnThread(int stackBytes)
    {
        var result = "";
        var thread = new Thread(() => result = RecurseToTheLimit(), stackBytes);
        thread.Start();
        thread.Join();
        return result;
    }

    [Fact]
    public void The_server_gives_its_threads_a_stack_on_which_the_call_depth_limit_trips_first()
    {
        var stack = ConfiguredStackBytes();
        Assert.True(stack is not null, "the server sets System.Threading.DefaultStackSize");
        Assert.Equal("depth limit", OnThread(stack.Value));
    }

    [Fact]
    public void On_a_small_stack_the_native_guard_trips_first()
    {
        // Why the setting exists: 1.5 MB is a usual default thread stack where `ulimit -s` does not set one.
        Assert.Equal("caught RangeError", OnThread(1536 * 1024));
    }
}
