using Convex.Sim.Storage.Memory;
using Convex.Sim.Storage.Sqlite;

namespace Convex.Sim.Storage.Tests;

public sealed class MemoryPersistenceConformance : PersistenceConformance
{
    protected override IPersistence CreateEmpty() => new MemoryPersistence();

    protected override IPersistence? Reopen(IPersistence store) => null;
}

public sealed class SqlitePersistenceConformance : PersistenceConformance, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("convex-sim-sqlite-");
    private int _files;

    protected override IPersistence CreateEmpty() => new SqlitePersistence(Path.Combine(_dir.FullName, $"db{++_files}.sqlite"));

    protected override IPersistence? Reopen(IPersistence store)
    {
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new SqlitePersistence(Path.Combine(_dir.FullName, $"db{_files}.sqlite"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
