using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Query;

/// <summary>The arguments of <c>1.0/queryPage</c> after the query itself (convex-compat §5.5.2, §7.6).</summary>
/// <param name="Cursor">Where the page starts (null: the beginning).</param>
/// <param name="EndCursor">Where it must end, inclusive (explicit, or the end cursor from the function's
/// journal); when set the page covers exactly that window and <paramref name="PageSize"/> is ignored.</param>
/// <param name="PageSize">numItems: 1 to the per-transaction row limit.</param>
/// <param name="MaximumRowsRead">Stop after scanning this many rows (then the page is "SplitRequired").</param>
/// <param name="MaximumBytesRead">Stop after scanning this many bytes of documents.</param>
public sealed record QueryPageRequest(
    string? Cursor, string? EndCursor, long PageSize, long? MaximumRowsRead = null, long? MaximumBytesRead = null);

/// <summary>Why the client should split this page into two subscriptions (the wire strings are the names).</summary>
public enum PageStatus
{
    /// <summary>The page is close to the read limits or very long.</summary>
    SplitRecommended = 1,

    /// <summary>A maximumRowsRead/maximumBytesRead limit cut the page short.</summary>
    SplitRequired = 2,
}

/// <summary>The result of <c>1.0/queryPage</c>. <see cref="ContinueCursor"/> is also what the function's journal
/// records as the end cursor of this page, so that re-executions return the same window.</summary>
public sealed record QueryPageResult(
    IReadOnlyList<ConvexObject> Page, bool IsDone, string ContinueCursor, string? SplitCursor, PageStatus? Status);
