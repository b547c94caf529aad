using System.Globalization;

namespace Convex.Sim.Benchmarks;

/// <summary>Prints one line per comparison: our figure, the reference's, the ratio and the target.</summary>
internal sealed class Report(TextWriter output)
{
    private readonly List<string> _lines = [];

    public void Compare(string name, double ours, double reference, string unit, string target, bool met)
    {
        var ratio = reference == 0 ? double.NaN : ours / reference;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} ours {ours,10:F1} {unit,-6} ref {reference,10:F1} {unit,-6} ratio {ratio,6:F2}  target {target} {(met ? "MET" : "NOT MET")}");
        _lines.Add(line);
        output.WriteLine(line);
    }

    public void Figure(string name, double value, string unit, string target, bool met)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} {value,12:F1} {unit,-10} target {target} {(met ? "MET" : "NOT MET")}");
        _lines.Add(line);
        output.WriteLine(line);
    }

    public void PrintSummary()
    {
        output.WriteLine();
        output.WriteLine("summary:");
        foreach (var line in _lines)
        {
            output.WriteLine("  " + line);
        }
    }
}

/// <summary>Latency samples in microseconds.</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];

    public void Add(TimeSpan elapsed) => _values.Add(elapsed.TotalMicroseconds);

    /// <summary>The median as node-reference.mjs computes it (the mean of the two middle values for an even count).
    /// </summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[middle]
            : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public double Percentile(double p)
    {
        var sorted = _values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p / 100 * sorted.Count))];
    }
}

/// <summary>Invariant-culture text from interpolated parts (long lines split without concatenation).</summary>
internal static class Text
{
    public static string Invariant(params FormattableString[] parts) =>
        string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture)));
}
