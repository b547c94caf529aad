using Convex.Sim.Core;
using Convex.Sim.Runtime.Production;

namespace Convex.Sim.Runtime.Tests;

public sealed class BuggifyAndRuntimeTests
{
    [Fact]
    public void Disabled_buggify_never_fires()
    {
        Assert.False(Buggify.Disabled.IsEnabled);
        Assert.DoesNotContain(Enumerable.Range(0, 1000).Select(_ => Buggify.Disabled.Fires()), f => f);
    }

    [Fact]
    public void A_site_is_enabled_or_not_for_the_whole_run_and_fires_in_a_share_of_calls()
    {
        var enabledSites = 0;
        var fires = 0;
        var calls = 0;
        for (var seed = 0UL; seed < 400; seed++)
        {
            var buggify = Buggify.Enabled(new Prng(seed));
            var fired = Enumerable.Range(0, 40).Count(_ => buggify.Fires("site.cs", 1));
            var site = Assert.Single(buggify.Sites);
            Assert.Equal("site.cs:1", site.Site);
            if (site.Enabled)
            {
                enabledSites++;
                fires += fired;
                calls += 40;
            }
            else
            {
                Assert.Equal(0, fired);
            }
        }

        Assert.InRange(enabledSites, 60, 140); // 25% of 400
        Assert.InRange(fires, calls * 15 / 100, calls * 35 / 100); // 25% of enabled calls
    }

    [Fact]
    public async Task The_production_runtime_runs_spawned_work_and_reports_its_failure()
    {
        var runtime = new ProductionRuntime(seed: 1);
        var ran = false;
        await runtime.Spawn("work", _ =>
        {
            ran = true;
            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);
        Assert.True(ran);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            runtime.Spawn("fail", _ => throw new InvalidOperationException("x"), TestContext.Current.CancellationToken));
        Assert.False(runtime.Buggify.IsEnabled);
        Assert.Equal(Draw(new ProductionRuntime(5).Random), Draw(new ProductionRuntime(5).Random));
    }

    private static ulong[] Draw(IRandom random) => [random.NextUInt64(), random.NextUInt64()];
}
