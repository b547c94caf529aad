using Convex.Sim.Core;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// A prepared statement driven through SQLitePCL directly, with parameters bound by position. The
/// write path uses it because Microsoft.Data.Sqlite looks every parameter up by name on every
/// execution and wraps each step in a data reader (together about a third of the committer's CPU in
/// a profile of 16 concurrent writers). Same connection, so it shares transactions and the lock.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public RawStatement Int64(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    public RawStatement Blob(int index, ReadOnlySpan<byte> value)
    {
        Check(raw.sqlite3_bind_blob(_statement, index, value));
        return this;
    }

    public RawStatement Text(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    /// <summary>Binds UTF-8 text as it is (no string round trip), or NULL.</summary>
    public RawStatement Utf8Text(int index, byte[]? value)
    {
        Check(value is null
            ? raw.sqlite3_bind_null(_statement, index)
            : raw.sqlite3_bind_text(_statement, index, value.AsSpan()));
        return this;
    }

    public RawStatement Null(int index)
    {
        Check(raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    /// <summary>The position of a named parameter (resolve once, bind by position afterwards).</summary>
    public int IndexOf(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        Invariant.Assert(index > 0);
        return index;
    }

    /// <summary>Steps a query: true with a row to read, false when done. Call <see cref="Reset"/> after the last use.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            raw.sqlite3_reset(_statement);
            Throw(rc);
        }

        return false;
    }

    public void Reset() => raw.sqlite3_reset(_statement);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long Int64At(int column) => raw.sqlite3_column_int64(_statement, column);

    public ReadOnlySpan<byte> BlobAt(int column) => raw.sqlite3_column_blob(_statement, column);

    public string TextAt(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>Runs a statement that returns no rows, then resets it for the next use.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            Throw(rc);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            Throw(rc);
        }
    }

    private void Throw(int rc)
    {
        Invariant.Assert(rc != raw.SQLITE_OK);
        throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
    }
}
