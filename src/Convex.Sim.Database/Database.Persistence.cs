using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Storage;

namespace Convex.Sim.Database;

/// <summary>Persistence access: every call holds the async lock <c>_io</c> (implementations are single-threaded).</summary>
public sealed partial class Database
{
    internal async ValueTask<StoredDocument?> GetAsync(DocumentId id, Timestamp at, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        await _io.WaitAsync(cancellationToken);
        try
        {
            var document = await _persistence.GetAsync(id, at, cancellationToken);
            ThrowIfBelowRetention(at);
            return document;
        }
        finally
        {
            _io.Release();
        }
    }

    internal async ValueTask<IReadOnlyList<IndexRow>> ScanAsync(
        IndexId index, KeyRange range, Timestamp at, ScanOrder order, int limit, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        await _io.WaitAsync(cancellationToken);
        try
        {
            var rows = await _persistence.ScanAsync(index, range, at, order, limit, cancellationToken);
            ThrowIfBelowRetention(at);
            return rows;
        }
        finally
        {
            _io.Release();
        }
    }

    internal async ValueTask WriteAsync(IReadOnlyList<CommitRecord> commits, CancellationToken cancellationToken)
    {
        await _io.WaitAsync(cancellationToken);
        try
        {
            await _persistence.WriteAsync(commits, cancellationToken);
        }
        finally
        {
            _io.Release();
        }
    }
}
