using Convex.Sim.Core;

namespace Convex.Sim.Database.Errors;

/// <summary>
/// The transaction's read set intersects a write committed after its snapshot (OCC). The whole
/// transaction may be re-executed on a fresh snapshot; the official backend reports this code.
/// </summary>
public sealed class OccConflictException(string message)
    : ConvexException("OptimisticConcurrencyControlFailure", message);

/// <summary>A per-transaction limit (rows read, writes, bytes, read-set ranges) was exceeded.</summary>
public sealed class TransactionLimitException(string message) : ConvexException("TransactionLimitExceeded", message);

/// <summary>
/// Persistence failed while a commit was being made durable. The commit may or may not be there
/// after recovery (never partially). The database stops accepting work until it is reopened.
/// </summary>
public sealed class CommitOutcomeUnknownException(string message, Exception inner)
    : ConvexException("CommitOutcomeUnknown", message, inner);

/// <summary>The database stopped after a persistence failure and must be reopened (recovered).</summary>
public sealed class DatabaseUnavailableException(string message) : ConvexException("DatabaseUnavailable", message);

/// <summary>A developer error: unknown table/index, invalid range, bad id, writing a read-only table...</summary>
public sealed class DatabaseUsageException(string code, string message) : ConvexException(code, message);

/// <summary>The requested timestamp is older than the history the database keeps for that purpose.</summary>
public sealed class OutOfRetentionException(string message) : ConvexException("OutOfRetention", message);
