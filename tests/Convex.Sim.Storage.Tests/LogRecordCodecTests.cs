using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Log;

namespace Convex.Sim.Storage.Tests;

/// <summary>
/// The log record's layout stays what earlier builds wrote (journals and logs on disk are read back by
/// newer builds): checked against a record assembled here by hand with BinaryWriter.
/// </summary>
public sealed class LogRecordCodecTests
{
    private static readonly DocumentId Id = new(TableNumber.FirstUser, (UInt128)7);
    private static readonly ConvexObject Doc = ConvexObject.Empty.With("n", new ConvexString("é"));

    private static CommitRecord Commit() => new(new Timestamp(42),
        [new DocumentWrite(Id, Doc), new DocumentWrite(new DocumentId(TableNumber.FirstUser, (UInt128)8), null)],
        [new IndexWrite(new IndexId(1001), [1, 2], Id)]);

    [Fact]
    public void A_record_has_the_layout_of_earlier_builds()
    {
        var json = """{"n":"é"}""";
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(1); // commits
            writer.Write(42UL);
            writer.Write(2); // documents
            writer.Write(TableNumber.FirstUser.Value);
            writer.Write(Id.InternalIdBytes());
            writer.Write(true);
            writer.Write(json);
            writer.Write(TableNumber.FirstUser.Value);
            writer.Write(new DocumentId(TableNumber.FirstUser, (UInt128)8).InternalIdBytes());
            writer.Write(false);
            writer.Write(1); // index writes
            writer.Write(1001U);
            writer.Write(2);
            writer.Write(new byte[] { 1, 2 });
            writer.Write(true);
            writer.Write(TableNumber.FirstUser.Value);
            writer.Write(Id.InternalIdBytes());
        }

        var body = payload.ToArray();
        var expected = new byte[LogRecordCodec.HeaderLength + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, (uint)body.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(4), XxHash64.HashToUInt64(body));
        body.CopyTo(expected, LogRecordCodec.HeaderLength);

        Assert.Equal(expected, LogRecordCodec.Encode([Commit()]));
        Assert.Equal(expected, LogRecordCodec.Encode([Commit()], [[Encoding.UTF8.GetBytes(json), null]]));
    }

    [Fact]
    public void A_record_decodes_to_its_commits()
    {
        var record = LogRecordCodec.Encode([Commit()]);

        var (commits, length) = LogRecordCodec.TryDecode(record, 0)!.Value;
        Assert.Equal(record.Length, length);
        var commit = Assert.Single(commits);
        Assert.Equal(new Timestamp(42), commit.Ts);
        Assert.Equal([Doc, null], commit.Documents.Select(d => d.Value));
        Assert.Equal(new byte[] { 1, 2 }, Assert.Single(commit.Indexes).Key);
        Assert.Null(LogRecordCodec.TryDecode(record.AsSpan(0, record.Length - 1), 0)); // torn
    }
}
