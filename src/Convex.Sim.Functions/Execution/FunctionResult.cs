using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Reads;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The outcome of a function: its value or its error (Convex's message, a <c>ConvexError</c>'s
/// data, and whether it was the server's fault), the log lines, and for queries the snapshot
/// timestamp and the read set the sync layer subscribes to; for mutations the commit timestamp.
/// </summary>
public sealed record FunctionResult
{
    public ConvexValue? Value { get; init; }

    public string? ErrorMessage { get; init; }

    public ConvexValue? ErrorData { get; init; }

    public bool IsSystemError { get; init; }

    public IReadOnlyList<string> LogLines { get; init; } = [];

    /// <summary>Queries: the snapshot read at. Mutations: the commit timestamp (the snapshot if nothing was written).</summary>
    public Timestamp Ts { get; init; }

    /// <summary>Queries and mutations: the index ranges the function read.</summary>
    public ReadSet? ReadSet { get; init; }

    /// <summary>Queries: the journal to pass to the next execution of the same subscription (null: none).</summary>
    public string? Journal { get; init; }

    public bool Succeeded => ErrorMessage is null;
}
