using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Convex.Sim.Core;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// A prepared statement driven through SQLitePCL directly, with parameters bound by position. The
/// write path uses it because Microsoft.Data.Sqlite looks every parameter up by name on every
/// execution and wraps each step in a data reader (together about a third of the committer's CPU in
/// a profile of 16 concurrent writers). Same connection, so it shares transactions and the lock.
/// Stepping, binding and reading columns call SQLite directly on the statement pointer
/// (<see cref="NativeSqlite"/>: no SafeHandle reference counting per call); the statement is only
/// disposed by its owner, after its last use, under the same lock.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>The native statement behind <see cref="_statement"/>, for the per-row calls of
    /// <see cref="NativeSqlite"/>; valid until <see cref="Dispose"/>, which only the owner calls.</summary>
    private readonly IntPtr _native;
    private bool _disposed;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        _native = _statement.DangerousGetHandle();
        Invariant.Assert(_native != IntPtr.Zero);
    }

    public RawStatement Int64(int index, long value)
    {
        Invariant.Assert(!_disposed);
        Check(NativeSqlite.BindInt64(_native, index, value));
        return this;
    }

    /// <summary>Binds a copy of <paramref name="value"/>; an empty span binds an empty blob, never NULL.</summary>
    public RawStatement Blob(int index, ReadOnlySpan<byte> value)
    {
        Invariant.Assert(!_disposed);
        Check(value.IsEmpty
            ? NativeSqlite.BindZeroBlob(_native, index, 0)
            : NativeSqlite.BindBlob(_native, index, ref MemoryMarshal.GetReference(value), value.Length, NativeSqlite.Transient));
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
        Invariant.Assert(!_disposed);
        var rc = NativeSqlite.Step(_native);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            NativeSqlite.Reset(_native);
            Throw(rc);
        }

        return false;
    }

    public void Reset()
    {
        Invariant.Assert(!_disposed);
        NativeSqlite.Reset(_native);
    }

    public bool IsNull(int column) => NativeSqlite.ColumnType(_native, column) == raw.SQLITE_NULL;

    public long Int64At(int column) => NativeSqlite.ColumnInt64(_native, column);

    /// <summary>A copy of a blob column of the current row (empty for NULL or an empty blob).</summary>
    public byte[] BlobArrayAt(int column)
    {
        var data = NativeSqlite.ColumnBlob(_native, column); // before the length: the length is of the blob form
        var length = NativeSqlite.ColumnBytes(_native, column);
        Invariant.Assert(length >= 0);
        if (length == 0)
        {
            return [];
        }

        var bytes = new byte[length];
        Marshal.Copy(data, bytes, 0, length);
        return bytes;
    }

    /// <summary>A 16-byte blob column of the current row read as a big-endian number (an internal id);
    /// false if the column is NULL.</summary>
    public bool TryUInt128BigEndianAt(int column, out UInt128 value)
    {
        var data = NativeSqlite.ColumnBlob(_native, column);
        if (data == IntPtr.Zero)
        {
            Invariant.Assert(NativeSqlite.ColumnType(_native, column) == raw.SQLITE_NULL);
            value = default;
            return false;
        }

        Invariant.Assert(NativeSqlite.ColumnBytes(_native, column) == 16);
        var high = (ulong)BinaryPrimitives.ReverseEndianness(Marshal.ReadInt64(data, 0));
        var low = (ulong)BinaryPrimitives.ReverseEndianness(Marshal.ReadInt64(data, 8));
        value = new UInt128(high, low);
        return true;
    }

    public string TextAt(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>Runs a statement that returns no rows, then resets it for the next use.</summary>
    public void Execute()
    {
        Invariant.Assert(!_disposed);
        var rc = NativeSqlite.Step(_native);
        NativeSqlite.Reset(_native);
        if (rc != raw.SQLITE_DONE)
        {
            Throw(rc);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _statement.Dispose();
    }

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
