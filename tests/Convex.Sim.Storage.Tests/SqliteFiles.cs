using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Tests;

/// <summary>Looks into the persistence's SQLite files from a connection of its own, as another process would.</summary>
internal static class SqliteFiles
{
    /// <summary>The first column of the first row as an integer; −1 when it is NULL or not an integer.</summary>
    public static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : -1;
    }
}
