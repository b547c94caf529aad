using Convex.Sim.Functions.Hosting;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The log lines of one execution in Convex's form <c>[LEVEL] text</c> (convex-compat §4.4): at
/// most 256 lines (a last line says how many were dropped), each at most 32,768 characters.
/// </summary>
public sealed class LogCollector
{
    public const int MaxLines = 256;
    public const int MaxLineLength = 32_768;
    private const string TruncatedSuffix = " (truncated due to length)";
    private readonly List<string> _lines = [];
    private int _dropped;

    public IReadOnlyList<string> Lines =>
        _dropped == 0 ? _lines : [.. _lines, $"[ERROR] Log overflow (maximum {MaxLines}). Remaining {_dropped} log lines omitted."];

    public void Add(LogLevel level, string text)
    {
        if (_lines.Count >= MaxLines)
        {
            _dropped++;
            return;
        }

        if (text.Length > MaxLineLength)
        {
            text = text[..MaxLineLength] + TruncatedSuffix;
        }

        _lines.Add($"[{Name(level)}] {text}");
    }

    /// <summary>Adds a line that is already formatted (a nested function's log).</summary>
    public void AddRaw(string line)
    {
        if (_lines.Count >= MaxLines)
        {
            _dropped++;
            return;
        }

        _lines.Add(line);
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "DEBUG",
        LogLevel.Info => "INFO",
        LogLevel.Log => "LOG",
        LogLevel.Warn => "WARN",
        LogLevel.Error => "ERROR",
        _ => "LOG",
    };
}
