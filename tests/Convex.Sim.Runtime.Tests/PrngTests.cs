using Convex.Sim.Core;

namespace Convex.Sim.Runtime.Tests;

public sealed class PrngTests
{
    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_different_seeds_differ()
    {
        var first = new Prng(42);
        var second = new Prng(42);
        var other = new Prng(43);
        Assert.Equal(Draw(first, 100), Draw(second, 100));
        Assert.NotEqual(Draw(new Prng(42), 100), Draw(other, 100));
    }

    [Fact]
    public void Forked_streams_are_stable_and_independent()
    {
        var root1 = new Prng(7);
        var root2 = new Prng(7);
        var a1 = Draw(root1.Fork("a"), 20);
        var b1 = Draw(root1.Fork("b"), 20);
        var a2 = Draw(root2.Fork("a"), 20);
        Assert.Equal(a1, a2);
        Assert.NotEqual(a1, b1);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(3UL)]
    [InlineData(1000UL)]
    [InlineData(ulong.MaxValue)]
    public void NextBelow_stays_in_bounds(ulong max)
    {
        var random = new Prng(5);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(random.NextBelow(max) < max);
        }
    }

    [Fact]
    public void Chance_at_the_extremes_is_never_and_always()
    {
        var random = new Prng(9);
        Assert.DoesNotContain(Enumerable.Range(0, 500).Select(_ => random.Chance(0, 7)), c => c);
        Assert.DoesNotContain(Enumerable.Range(0, 500).Select(_ => random.Chance(7, 7)), c => !c);
        var hits = Enumerable.Range(0, 10_000).Count(_ => random.Chance(1, 4));
        Assert.InRange(hits, 2_200, 2_800);
    }

    private static ulong[] Draw(IRandom random, int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextUInt64())];
}
