using System.Runtime.InteropServices;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The few SQLite C functions that an index scan or a point read calls once per row or column (and the
/// write path's prepared statements use to bind and step), imported
/// from the same native library SQLitePCLRaw loads (<c>e_sqlite3</c>), on raw statement pointers.
/// SQLitePCL's wrappers take a SafeHandle, whose reference counting (two interlocked operations per
/// call) was 22% of the managed CPU of a 10-row range read in a profile; the column getters also skip
/// the GC transition (they return in nanoseconds, never block: the connection is used by one thread at
/// a time under the persistence lock, so SQLite's connection mutex is never contended). Step and reset
/// may do I/O and keep the transition. Callers keep the statement's SafeHandle alive and undisposed.
/// </summary>
internal static partial class NativeSqlite
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies a bound blob before the call returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    [DllImport(Library, EntryPoint = "sqlite3_step", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Step(IntPtr statement);

    [DllImport(Library, EntryPoint = "sqlite3_reset", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Reset(IntPtr statement);

    [DllImport(Library, EntryPoint = "sqlite3_column_type", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern int ColumnType(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_int64", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern long ColumnInt64(IntPtr statement, int column);

    /// <summary>Valid until the next step, reset or type conversion of the column; call before <see cref="ColumnBytes"/>.</summary>
    [DllImport(Library, EntryPoint = "sqlite3_column_blob", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern IntPtr ColumnBlob(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_bytes", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern int ColumnBytes(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_bind_int64", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern int BindInt64(IntPtr statement, int index, long value);

    /// <summary>Binds <paramref name="length"/> bytes from <paramref name="first"/> (pinned for the call; SQLite copies
    /// them, so it keeps the GC transition: the write path binds journal records of any size).</summary>
    [DllImport(Library, EntryPoint = "sqlite3_bind_blob", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int BindBlob(IntPtr statement, int index, ref byte first, int length, IntPtr destructor);

    /// <summary>A zero-length blob (not NULL: an empty key is a real key).</summary>
    [DllImport(Library, EntryPoint = "sqlite3_bind_zeroblob", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern int BindZeroBlob(IntPtr statement, int index, int length);
}
