using Convex.Sim.Functions.Hosting;
using Jint;

namespace Convex.Sim.Functions.Tests.Hosting;

/// <summary>The start-up warm-up the server runs in the background must really run its module.</summary>
public sealed class EngineStaticsTests
{
    [Fact]
    public void The_warm_up_module_runs_every_path_to_its_result()
    {
        var worker = EngineStatics.WarmUp(TimeProvider.System);

        var result = worker.Import(EngineStatics.WarmUpPath).Get("result").UnwrapIfPromise();

        // Three items went through the class, the loop, the spread, JSON and the await.
        Assert.Equal(3, result.AsNumber());
    }

    [Fact]
    public void Initializing_twice_is_harmless()
    {
        EngineStatics.Initialize(TimeProvider.System);
        EngineStatics.Initialize(TimeProvider.System);
        Assert.Equal(3, EngineStatics.WarmUp(TimeProvider.System).Import(EngineStatics.WarmUpPath).Get("result").UnwrapIfPromise().AsNumber());
    }
}
