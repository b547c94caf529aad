using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>
/// The runner under real concurrency (thread pool, several engines at once): read-modify-write
/// mutations on one counter, written in JavaScript, must not lose an update.
/// </summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_increments_through_JavaScript_lose_no_update()
    {
        var backend = await StartAsync();
        const int Writers = 5;
        const int PerWriter = 12;
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                await IncrementAsync(backend, 1);
            }
        }, Ct));
        await Task.WhenAll(writers);

        Assert.Equal((long)Writers * PerWriter, await IncrementAsync(backend, 0));
    }

    /// <summary>Like a client: when every attempt of the runner conflicted, it tries again.</summary>
    private static async Task<long> IncrementAsync(Corpus.TestBackend backend, long by)
    {
        while (true)
        {
            try
            {
                var result = await backend.MutationAsync("messages:increment", Obj(("name", S("shared")), ("by", new ConvexInt64(by))));
                Assert.True(result.Succeeded, result.ErrorMessage);
                return ((ConvexInt64)result.Value!).Value;
            }
            catch (OccConflictException)
            {
            }
        }
    }
}
