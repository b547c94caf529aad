using System.Collections.Immutable;
using System.Text;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Transactions;
using Convex.Sim.Functions.Hosting;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The recorded outcome of a successful session mutation (convex-compat §3.7.3), stored as a system
/// document <c>{result, logLines}</c>: the result as its JSON text (any value a function may
/// return, which need not be a valid document field) and the log lines. A result or log too large to
/// keep inside a document's limit is left out of the record; a replay then answers null or no log
/// lines, while the writes themselves are never repeated.
/// </summary>
internal static class MutationRecords
{
    /// <summary>Kept well under the 1 MiB document limit, which also counts the other fields.</summary>
    private const int RecordedBytesMax = 512 * 1024;

    public static ConvexObject Encode(JsOutcome outcome, IReadOnlyList<string> logLines)
    {
        var json = outcome.ResultJson!;
        var logBytes = logLines.Sum(l => Encoding.UTF8.GetByteCount(l));
        var keepResult = Encoding.UTF8.GetByteCount(json) <= RecordedBytesMax;
        var keepLogs = logBytes <= RecordedBytesMax - (keepResult ? Encoding.UTF8.GetByteCount(json) : 0);
        var fields = new List<KeyValuePair<string, ConvexValue>>
        {
            new("result", keepResult ? new ConvexString(json) : ConvexNull.Instance),
            new("logLines", new ConvexArray(keepLogs
                ? [.. logLines.Select(l => (ConvexValue)new ConvexString(l))]
                : ImmutableArray<ConvexValue>.Empty)),
        };
        return ConvexObject.From(fields);
    }

    public static FunctionResult Decode(RecordedMutation recorded)
    {
        var value = recorded.Outcome["result"] is ConvexString json ? ConvexJson.Decode(json.Value) : ConvexNull.Instance;
        var logs = ((ConvexArray)recorded.Outcome["logLines"]!).Items.Select(l => ((ConvexString)l).Value).ToList();
        return new FunctionResult { Value = value, LogLines = logs, Ts = recorded.CommitTs };
    }
}
