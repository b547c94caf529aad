using System.Diagnostics;
using System.Collections.Immutable;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Tests.Values;

/// <summary>
/// The C# order and wire codec against the official implementation: the pinned `convex` npm package
/// (tests/official) compares and re-encodes the same seeded random values through its public
/// `compareValues`, `jsonToConvex` and `convexToJson`. Needs Node and `npm ci` in tests/official
/// (tests/run does both); skipped with a message otherwise.
/// </summary>
public sealed class OfficialReferenceTests
{
    [Fact]
    public void Order_and_encoding_match_the_official_package()
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "official", "compare-values.mjs");
        if (!Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "convex")))
        {
            Assert.Skip("the official package is not installed: run `npm ci` in tests/official (tests/run does)");
        }

        var random = new Prng(2026);
        var pairs = Enumerable.Range(0, 3000).Select(_ => (A: Value(random, 3), B: Value(random, 3))).ToList();
        var input = string.Join('\n', pairs.Select(p => $"{ConvexJson.Encode(p.A)}\t{ConvexJson.Encode(p.B)}")) + "\n";
        var output = RunNode(script, input);

        Assert.Equal(pairs.Count, output.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            var (a, b) = pairs[i];
            var fields = output[i].Split('\t');
            var ours = Math.Sign(ConvexValueComparer.Instance.Compare(a, b));
            Assert.True(int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture) == ours,
                $"order of {ConvexJson.Encode(a)} and {ConvexJson.Encode(b)}: official {fields[0]}, ours {ours}");
            Assert.Equal(fields[1], ConvexJson.Encode(a));
        }
    }

    /// <summary>Seeded values biased to the edges: both zeros, infinities, int64 extremes, astral text.</summary>
    private static ConvexValue Value(IRandom random, int depth) => random.NextInt(0, depth > 0 ? 10 : 8) switch
    {
        0 => ConvexNull.Instance,
        1 => new ConvexInt64(random.Chance(1, 3) ? Pick(random, long.MinValue, long.MaxValue, 0, -1) : (long)random.NextUInt64()),
        2 => new ConvexFloat64(random.Chance(1, 2)
            ? Pick(random, 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1.5, -2.25, 1e300, 5e-324)
            : AnyFloatButNaN(random)),
        3 => ConvexBoolean.Of(random.Chance(1, 2)),
        4 or 5 => new ConvexString(Pick(random, "", "a", "ab", "b", "A", "\uFFFF", "😀", "é", "a\0", "~")),
        6 => new ConvexBytes([.. Enumerable.Range(0, random.NextInt(0, 4)).Select(_ => (byte)random.NextInt(0, 256))]),
        7 => new ConvexInt64(random.NextInt(-3, 4)),
        8 => new ConvexArray([.. Enumerable.Range(0, random.NextInt(0, 3)).Select(_ => Value(random, depth - 1))]),
        _ => ConvexObject.From(Enumerable.Range(0, random.NextInt(0, 3))
            .Select(_ => Pick(random, "a", "b", "", "z"))
            .Distinct()
            .Select(name => new KeyValuePair<string, ConvexValue>(name, Value(random, depth - 1)))),
    };

    /// <summary>Random bits as a double. NaNs are left out: JavaScript does not keep a NaN's sign and
    /// payload, so the official side cannot order them as the backend's IEEE total order does.</summary>
    private static double AnyFloatButNaN(IRandom random)
    {
        var value = BitConverter.Int64BitsToDouble((long)random.NextUInt64());
        return double.IsNaN(value) ? 0.1 : value;
    }

    private static T Pick<T>(IRandom random, params T[] choices) => choices[random.NextInt(0, choices.Length)];

    private static List<string> RunNode(string script, string input)
    {
        using var node = Process.Start(new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        node.StandardInput.Write(input);
        node.StandardInput.Close();
        var lines = node.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        node.WaitForExit();
        Assert.Equal(0, node.ExitCode);
        return lines;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Convex.Sim.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
