using System.Security.Cryptography;
using Convex.Sim.Core;

namespace Convex.Sim.Runtime.Production;

/// <summary>
/// The real world behind <see cref="IRuntime"/>: the system clock, the thread pool (and a few threads of its own for
/// blocking work, <see cref="BlockingWorkScheduler"/>), and a PRNG
/// seeded from the operating system's cryptographic source (or from a given seed, for benchmarks and
/// tests). Buggify never fires. Only composition roots, benchmarks and tests construct it.
/// </summary>
public sealed class ProductionRuntime : IRuntime
{
    private readonly Lock _randomGate = new();

    public ProductionRuntime(ulong? seed = null)
    {
        var value = seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        Random = new LockedRandom(new Prng(value), _randomGate);
    }

    public TimeProvider Time => TimeProvider.System;

    public Network.IHttpFetcher Http { get; } = new SystemHttpFetcher();

    public IRandom Random { get; }

    public Buggify Buggify => Buggify.Disabled;

    public Task Spawn(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => work(cancellationToken), cancellationToken,
            TaskCreationOptions.DenyChildAttach | TaskCreationOptions.PreferFairness, TaskScheduler.Default).Unwrap();

    public Task SpawnBlocking(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => work(cancellationToken), cancellationToken,
            TaskCreationOptions.DenyChildAttach, BlockingWorkScheduler.Shared).Unwrap();

    /// <summary>The PRNG is shared by every thread of the process, so each draw takes a lock.</summary>
    private sealed class LockedRandom(IRandom inner, Lock gate) : IRandom
    {
        public ulong NextUInt64()
        {
            lock (gate)
            {
                return inner.NextUInt64();
            }
        }

        public ulong NextBelow(ulong maxExclusive)
        {
            lock (gate)
            {
                return inner.NextBelow(maxExclusive);
            }
        }

        public int NextInt(int minInclusive, int maxExclusive)
        {
            lock (gate)
            {
                return inner.NextInt(minInclusive, maxExclusive);
            }
        }

        public bool Chance(int numerator, int denominator)
        {
            lock (gate)
            {
                return inner.Chance(numerator, denominator);
            }
        }

        public void NextBytes(Span<byte> destination)
        {
            lock (gate)
            {
                inner.NextBytes(destination);
            }
        }

        public IRandom Fork(string stream)
        {
            lock (gate)
            {
                return new LockedRandom(inner.Fork(stream), new Lock());
            }
        }
    }
}
