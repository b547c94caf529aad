namespace Convex.Sim.Core;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64). Decisions use
/// integers and ratios, never floats, so that a seed means the same thing on every machine.
/// Not for secrets: production uses a cryptographic source where security needs it.
/// </summary>
public sealed class Prng : IRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public Prng(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm);
        _s1 = SplitMix(ref sm);
        _s2 = SplitMix(ref sm);
        _s3 = SplitMix(ref sm);
        Invariant.Assert((_s0 | _s1 | _s2 | _s3) != 0);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, maxExclusive) without modulo bias (Lemire's method).</summary>
    public ulong NextBelow(ulong maxExclusive)
    {
        Invariant.Assert(maxExclusive > 0);
        var threshold = (0 - maxExclusive) % maxExclusive;
        while (true)
        {
            var r = NextUInt64();
            var product = Math.BigMul(r, maxExclusive, out var low);
            if (low >= threshold)
            {
                return product;
            }
        }
    }

    public int NextInt(int minInclusive, int maxExclusive)
    {
        Invariant.Assert(minInclusive < maxExclusive);
        return minInclusive + (int)NextBelow((ulong)((long)maxExclusive - minInclusive));
    }

    public bool Chance(int numerator, int denominator)
    {
        Invariant.Assert(denominator > 0);
        Invariant.Assert(numerator >= 0 && numerator <= denominator);
        return NextBelow((ulong)denominator) < (ulong)numerator;
    }

    public void NextBytes(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)NextUInt64();
        }
    }

    /// <summary>A named, independent stream: the same seed and name give the same stream.</summary>
    public IRandom Fork(string stream)
    {
        var h = System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(stream));
        return new Prng(NextUInt64() ^ h);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

/// <summary>The randomness seam. Seeded in the simulator; seeded or cryptographic in production.</summary>
public interface IRandom
{
    ulong NextUInt64();

    ulong NextBelow(ulong maxExclusive);

    int NextInt(int minInclusive, int maxExclusive);

    /// <summary>True with probability numerator/denominator.</summary>
    bool Chance(int numerator, int denominator);

    void NextBytes(Span<byte> destination);

    IRandom Fork(string stream);
}
