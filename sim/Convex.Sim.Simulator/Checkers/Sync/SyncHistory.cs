using Convex.Sim.Core;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Checkers.Sync;

/// <summary>
/// What a client holds for one query: the list of elements of the query's key, or an error
/// message (a <c>QueryFailed</c>). Compared by content.
/// </summary>
internal sealed record QueryResult(IReadOnlyList<long>? Items, string? Error)
{
    /// <summary>The text the server sends for a system error (convex-compat §3.6.3); a transient
    /// failure of the server, not a claim about the data.</summary>
    public const string SystemError = "Server Error";

    public bool IsSystemError => Error is not null && Error.StartsWith(SystemError, StringComparison.Ordinal);

    public static QueryResult Of(params long[] items) => new(items, null);

    public static QueryResult Failed(string error) => new(null, error);

    /// <summary>The result a <c>QueryUpdated</c> value shows: the key's elements (an array of int64).</summary>
    public static QueryResult FromValue(Core.Values.ConvexValue value) => value is Core.Values.ConvexArray array
        && array.Items.All(v => v is Core.Values.ConvexInt64)
        ? new QueryResult([.. array.Items.Select(v => ((Core.Values.ConvexInt64)v).Value)], null)
        : Failed($"unexpected value {Core.Values.ConvexJson.Encode(value)}");

    /// <summary>A state version as the clients' violation messages print it.</summary>
    public static string Show(StateVersion v) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{{qs {v.QuerySet.Value}, id {v.Identity.Value}, ts {v.Ts}}}");

    public bool Matches(QueryResult other) =>
        Error == other.Error
        && (Items is null ? other.Items is null : other.Items is not null && Items.SequenceEqual(other.Items));

    public bool Contains(long element) => Items is not null && Items.Contains(element);

    public override string ToString() => Items is null ? $"error({Error})" : $"[{string.Join(",", Items)}]";
}

/// <summary>One query result as the client saw it: the query's id, the key it reads, the result.</summary>
internal sealed record ObservedResult(uint QueryId, string Key, QueryResult Result);

/// <summary>
/// A transition a client accepted: its versions, the client's largest observed timestamp before
/// it, the results it carried (<see cref="Shown"/>) and every result the client held for its active
/// queries right after applying it (<see cref="Held"/>).
/// </summary>
internal sealed record ObservedTransition(
    int Client,
    long Connection,
    StateVersion Start,
    StateVersion End,
    Timestamp MaxObservedBefore,
    IReadOnlyList<ObservedResult> Shown,
    IReadOnlyList<ObservedResult> Held);

/// <summary>Whether a request is a mutation or an action.</summary>
internal enum RequestKind
{
    Mutation = 1,
    Action = 2,
}

/// <summary>How a client's request ended, as the client's promise saw it.</summary>
internal enum RequestOutcome
{
    /// <summary>Never resolved (the run ended first).</summary>
    Pending = 1,

    Succeeded = 2,

    /// <summary>Rejected: an error response, or an action lost with its connection.</summary>
    Failed = 3,
}

/// <summary>
/// A mutation or action of a client that appends one globally unique element to a key. For a
/// resolved success: the commit timestamp from the response (mutations), the end timestamp of the
/// transition that resolved it, and the client's result for the key at that moment (if it had one).
/// </summary>
internal sealed record ObservedRequest(
    int Client,
    uint RequestId,
    RequestKind Kind,
    string Key,
    long Element,
    RequestOutcome Outcome,
    Timestamp? ResponseTs,
    Timestamp? ResolvedAtTs,
    QueryResult? HeldAtResolution,
    string? Error);

/// <summary>The results a client held once the system was quiescent after the faults healed.</summary>
internal sealed record FinalView(int Client, IReadOnlyList<ObservedResult> Held);

/// <summary>
/// Everything the sync checkers look at: the clients' transitions and requests, their final views
/// at <see cref="FinalTs"/>, and the final data of every key after recovery (key → elements).
/// </summary>
internal sealed record SyncHistory(
    IReadOnlyList<ObservedTransition> Transitions,
    IReadOnlyList<ObservedRequest> Requests,
    IReadOnlyList<FinalView> Finals,
    Timestamp FinalTs,
    IReadOnlyDictionary<string, IReadOnlyList<long>> FinalData);
