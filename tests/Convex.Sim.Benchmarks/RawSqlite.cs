using Microsoft.Data.Sqlite;

namespace Convex.Sim.Benchmarks;

/// <summary>
/// The reference: plain Microsoft.Data.Sqlite with WAL and synchronous=FULL (the same durability as
/// our SQLite persistence), a table of 200-byte rows, prepared commands.
/// </summary>
internal sealed class RawSqlite : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _select;
    private readonly SqliteCommand _range;
    private long _next;

    public RawSqlite(string path)
    {
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Execute("CREATE TABLE kv (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v BLOB NOT NULL); CREATE INDEX kv_k ON kv(k, id);");
        _insert = Prepare("INSERT INTO kv (id, k, v) VALUES ($id, $k, $v)", "$id", "$k", "$v");
        _select = Prepare("SELECT v FROM kv WHERE id = $id", "$id");
        _range = Prepare("SELECT v FROM kv WHERE k >= $k ORDER BY k, id LIMIT 10", "$k");
    }

    public void InsertAutocommit(string key)
    {
        _insert.Parameters[0].Value = ++_next;
        _insert.Parameters[1].Value = key;
        _insert.Parameters[2].Value = new byte[200];
        _insert.ExecuteNonQuery();
    }

    public byte[]? Get(long id)
    {
        _select.Parameters[0].Value = id;
        return _select.ExecuteScalar() as byte[];
    }

    public int Range(string key)
    {
        _range.Parameters[0].Value = key;
        using var reader = _range.ExecuteReader();
        var n = 0;
        while (reader.Read())
        {
            _ = reader.GetFieldValue<byte[]>(0);
            n++;
        }

        return n;
    }

    public long Count => _next;

    public void Dispose()
    {
        _insert.Dispose();
        _select.Dispose();
        _range.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }
}
