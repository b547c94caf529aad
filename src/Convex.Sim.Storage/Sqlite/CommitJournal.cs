using Convex.Sim.Core;
using Microsoft.Data.Sqlite;

namespace Convex.Sim.Storage.Sqlite;

/// <summary>
/// The commit journal (<c>PATH.commitlog</c>): one row per write group, the group's commits in the
/// log record format. It is the durability barrier, so it has its own connection (WAL,
/// <c>synchronous=FULL</c>): appending a group is one small transaction whose commit fsyncs a page or
/// two of sequential WAL, independent of the main file's transaction, which stays open across many
/// groups (see <see cref="SqlitePersistence"/>). Not thread safe: the persistence's journal lock guards it.
/// </summary>
internal sealed class CommitJournal : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly RawStatement _insert;
    private readonly RawStatement _trim;
    private readonly RawStatement _begin;
    private readonly RawStatement _commit;
    private readonly RawStatement _rollback;

    public CommitJournal(string path)
    {
        _connection = SqliteSchema.Open(path);
        Execute(SqliteSchema.CreateJournal);
        _insert = new RawStatement(_connection, SqliteSchema.InsertJournal);
        _trim = new RawStatement(_connection, SqliteSchema.TrimJournal);
        _begin = new RawStatement(_connection, "BEGIN");
        _commit = new RawStatement(_connection, "COMMIT");
        _rollback = new RawStatement(_connection, "ROLLBACK");
    }

    /// <summary>
    /// Appends groups' records, oldest first, and, in the same transaction, deletes the groups up to
    /// <paramref name="trimTo"/> (the main file has them durably). Returns once the records are fsync'd: one
    /// fsync for all of them.
    /// </summary>
    public void Append(IReadOnlyList<(Timestamp LastTs, byte[] Record)> groups, Timestamp trimTo)
    {
        Invariant.Assert(groups.Count > 0);
        Invariant.Assert(trimTo < groups[0].LastTs);
        _begin.Execute();
        try
        {
            for (var i = 0; i < groups.Count; i++)
            {
                Invariant.Assert(i == 0 || groups[i].LastTs > groups[i - 1].LastTs);
                Invariant.Assert(groups[i].Record.Length > 0);
                _insert.Int64(1, checked((long)groups[i].LastTs.Value)).Blob(2, groups[i].Record).Execute();
            }

            if (trimTo > Timestamp.Zero)
            {
                _trim.Int64(1, checked((long)trimTo.Value)).Execute();
            }

            _commit.Execute();
        }
        catch
        {
            if (!_connection.Handle!.IsInvalid && SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                _rollback.Execute();
            }

            throw;
        }
    }

    /// <summary>The groups after <paramref name="after"/>, oldest first, as stored.</summary>
    public List<(long LastTs, byte[] Record)> GroupsAfter(Timestamp after)
    {
        var groups = new List<(long, byte[])>();
        using var command = _connection.CreateCommand();
        command.CommandText = SqliteSchema.JournalAfter;
        command.Parameters.AddWithValue("$ts", checked((long)after.Value));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Invariant.Assert(groups.Count == 0 || reader.GetInt64(0) > groups[^1].Item1);
            groups.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }

        return groups;
    }

    /// <summary>Deletes every group and truncates the journal's WAL (after a complete checkpoint of the
    /// main file).</summary>
    public void Clear() => Execute(SqliteSchema.ClearJournal);

    public void Dispose()
    {
        foreach (var statement in new[] { _insert, _trim, _begin, _commit, _rollback })
        {
            statement.Dispose();
        }

        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
