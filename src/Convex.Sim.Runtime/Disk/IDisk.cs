namespace Convex.Sim.Runtime.Disk;

/// <summary>
/// A minimal file system seam for storage engines that manage their own files (the log-structured
/// persistence). The simulator's implementation injects faults (IO errors, latency, lost unsynced
/// writes on crash, torn writes); production uses real files. SQLite does its own IO and does not
/// use this seam.
/// </summary>
public interface IDisk
{
    ValueTask<IDiskFile> OpenAsync(string name, CancellationToken cancellationToken);

    ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken);

    ValueTask DeleteAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// One file. Writes become durable only after <see cref="SyncAsync"/> completes; a crash may lose
/// any write after the last completed sync, and may tear the last unsynced write.
/// IO failures surface as <see cref="DiskIOException"/>.
/// </summary>
public interface IDiskFile : IAsyncDisposable
{
    long Length { get; }

    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken);

    ValueTask TruncateAsync(long length, CancellationToken cancellationToken);

    ValueTask SyncAsync(CancellationToken cancellationToken);
}

/// <summary>An expected IO failure (injected in simulation, real in production).</summary>
public sealed class DiskIOException(string message) : Core.ConvexException("StorageIOError", message);
