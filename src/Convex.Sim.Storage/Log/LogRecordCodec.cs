using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Storage.Log;

/// <summary>
/// The on-disk record of one group of commits: <c>length (u32) ‖ XxHash64 of payload (u64) ‖ payload</c>.
/// The payload lists the commits (timestamp, document writes as Convex JSON, index writes). A record
/// whose length runs past the end of the file or whose hash does not match is a torn tail.
/// </summary>
internal static class LogRecordCodec
{
    public const int HeaderLength = 12;

    /// <summary>Encodes a group; <paramref name="json"/>, when given, holds the UTF-8 Convex JSON of every
    /// document write already encoded (per commit, per document; null for a deletion).</summary>
    public static byte[] Encode(IReadOnlyList<CommitRecord> commits, IReadOnlyList<byte[]?[]>? json = null)
    {
        Invariant.Assert(json is null || json.Count == commits.Count);
        using var stream = new MemoryStream(256 * commits.Count);
        stream.Position = HeaderLength; // the header is filled in once the payload's length and hash are known
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(commits.Count);
            for (var i = 0; i < commits.Count; i++)
            {
                WriteCommit(writer, commits[i], json?[i]);
            }
        }

        var record = stream.GetBuffer().AsSpan(0, (int)stream.Length);
        var body = record[HeaderLength..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(record[4..], XxHash64.HashToUInt64(body));
        return record.ToArray();
    }

    /// <summary>Decodes the record at <paramref name="offset"/>; null if it is torn or corrupt. With a
    /// <paramref name="memo"/>, a record whose bytes were decoded before is not decoded again.</summary>
    public static (IReadOnlyList<CommitRecord> Commits, int Length)? TryDecode(ReadOnlySpan<byte> log, int offset, LogRecordMemo? memo = null)
    {
        if (log.Length - offset < HeaderLength)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(log[offset..]);
        if (length > log.Length - offset - HeaderLength)
        {
            return null;
        }

        var body = log.Slice(offset + HeaderLength, (int)length);
        var hash = XxHash64.HashToUInt64(body);
        if (BinaryPrimitives.ReadUInt64LittleEndian(log[(offset + 4)..]) != hash)
        {
            return null;
        }

        if (memo?.Find(offset, body, hash) is not { } commits)
        {
            var bytes = body.ToArray();
            commits = DecodeBody(bytes);
            memo?.Remember(offset, bytes, hash, commits);
        }

        return (commits, HeaderLength + (int)length);
    }

    private static List<CommitRecord> DecodeBody(byte[] body)
    {
        using var reader = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var count = reader.ReadInt32();
        var commits = new List<CommitRecord>(count);
        for (var i = 0; i < count; i++)
        {
            commits.Add(ReadCommit(reader));
        }

        return commits;
    }

    private static void WriteCommit(BinaryWriter writer, CommitRecord commit, byte[]?[]? json)
    {
        Invariant.Assert(json is null || json.Length == commit.Documents.Count);
        writer.Write(commit.Ts.Value);
        writer.Write(commit.Documents.Count);
        for (var i = 0; i < commit.Documents.Count; i++)
        {
            var document = commit.Documents[i];
            WriteId(writer, document.Id);
            writer.Write(document.Value is not null);
            if (document.Value is not null)
            {
                // The layout of BinaryWriter.Write(string): the UTF-8 length, 7-bit encoded, then the bytes.
                var utf8 = json?[i] ?? ConvexJson.EncodeToUtf8(document.Value);
                writer.Write7BitEncodedInt(utf8.Length);
                writer.Write(utf8);
            }
        }

        writer.Write(commit.Indexes.Count);
        foreach (var entry in commit.Indexes)
        {
            writer.Write(entry.Index.Value);
            writer.Write(entry.Key.Length);
            writer.Write(entry.Key);
            writer.Write(entry.Id is not null);
            if (entry.Id is { } id)
            {
                WriteId(writer, id);
            }
        }
    }

    private static CommitRecord ReadCommit(BinaryReader reader)
    {
        var ts = new Timestamp(reader.ReadUInt64());
        var documents = new List<DocumentWrite>();
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            var id = ReadId(reader);
            documents.Add(new DocumentWrite(id, reader.ReadBoolean() ? (ConvexObject)ConvexJson.Decode(reader.ReadString()) : null));
        }

        var indexes = new List<IndexWrite>();
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            var index = new IndexId(reader.ReadUInt32());
            var key = reader.ReadBytes(reader.ReadInt32());
            indexes.Add(new IndexWrite(index, key, reader.ReadBoolean() ? ReadId(reader) : null));
        }

        Invariant.Assert(documents.Count + indexes.Count > 0);
        return new CommitRecord(ts, documents, indexes);
    }

    private static void WriteId(BinaryWriter writer, DocumentId id)
    {
        writer.Write(id.Table.Value);
        writer.Write(id.InternalIdBytes());
    }

    private static DocumentId ReadId(BinaryReader reader) =>
        DocumentId.FromInternalIdBytes(new TableNumber(reader.ReadUInt32()), reader.ReadBytes(16));
}
