using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Errors;

namespace Convex.Sim.Database.Transactions;

/// <summary>
/// Counts what a transaction reads and writes against the per-transaction limits
/// (convex-compat §7.15). Exceeding one is a developer error, reported with the official wording.
/// </summary>
internal sealed class TransactionUsage(DatabaseOptions options)
{
    public int RowsRead { get; private set; }
    public long BytesRead { get; private set; }
    public int Writes { get; private set; }
    public long BytesWritten { get; private set; }

    public void RecordRead(ConvexObject document)
    {
        RowsRead++;
        BytesRead += ValueSize.Of(document);
        if (RowsRead > options.RowsReadPerTransactionMax)
        {
            throw new TransactionLimitException(
                $"Too many documents read in a single function execution (limit: {options.RowsReadPerTransactionMax}).");
        }

        if (BytesRead > options.BytesReadPerTransactionMax)
        {
            throw new TransactionLimitException(
                $"Too many bytes read in a single function execution (limit: {options.BytesReadPerTransactionMax} bytes).");
        }
    }

    public void RecordWrite(ConvexObject? document)
    {
        Writes++;
        BytesWritten += document is null ? 0 : ValueSize.Of(document);
        if (Writes > options.WritesPerTransactionMax)
        {
            throw new TransactionLimitException(
                $"Too many writes in a single function execution (limit: {options.WritesPerTransactionMax}).");
        }

        if (BytesWritten > options.BytesWrittenPerTransactionMax)
        {
            throw new TransactionLimitException(
                $"Too many bytes written in a single function execution (limit: {options.BytesWrittenPerTransactionMax} bytes).");
        }

        Invariant.Assert(BytesWritten >= 0);
    }
}
