using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Runtime.Disk;
using Convex.Sim.Simulator.Disk;
using Convex.Sim.Storage.Log;

namespace Convex.Sim.Storage.Tests;

/// <summary>The log-structured persistence on the simulated disk, without faults (conformance).</summary>
public sealed class LogPersistenceConformance : PersistenceConformance
{
    private readonly SimDisk _disk = new(TimeProvider.System, new Prng(1), SimDiskOptions.None);

    protected override IPersistence CreateEmpty() => new LogPersistence(_disk);

    protected override IPersistence? Reopen(IPersistence store) => new LogPersistence(_disk);
}

/// <summary>Crashes and IO errors: acknowledged groups survive, unacknowledged ones are all or nothing.</summary>
public sealed class LogPersistenceFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CommitRecord Commit(ulong ts) => new(new Timestamp(ts),
        [new DocumentWrite(new Core.Ids.DocumentId(Core.Ids.TableNumber.FirstUser, (UInt128)ts),
            ConvexObject.Empty.With("n", new ConvexInt64((long)ts)))], []);

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    [InlineData(5UL)]
    public async Task A_crash_keeps_acknowledged_groups_and_tears_nothing_in(ulong seed)
    {
        var random = new Prng(seed);
        var disk = new SimDisk(TimeProvider.System, random.Fork("disk"), SimDiskOptions.None with { TornWritePerMille = 1000 });
        var log = new LogPersistence(disk);
        await log.RecoverAsync(Ct);
        await log.WriteAsync([Commit(1), Commit(2)], Ct);
        await log.WriteAsync([Commit(3)], Ct);

        // An unsynced group: write its record by hand without the sync, then crash.
        var file = await disk.OpenAsync(LogPersistence.FileName, Ct);
        var record = LogRecordCodec.Encode([Commit(4), Commit(5)]);
        await file.WriteAsync(file.Length, record, Ct);
        disk.Crash();

        var recovered = new LogPersistence(disk);
        Assert.Equal(new Timestamp(3), await recovered.RecoverAsync(Ct));
        Assert.NotNull(await recovered.GetAsync(Commit(3).Documents[0].Id, new Timestamp(3), Ct));
        Assert.Null(await recovered.GetAsync(Commit(4).Documents[0].Id, new Timestamp(9), Ct));
        await recovered.WriteAsync([Commit(6)], Ct); // the torn tail was truncated before appending
        Assert.Equal(new Timestamp(6), await new LogPersistence(disk).RecoverAsync(Ct));
    }

    [Fact]
    public async Task An_io_error_fails_the_write_and_refuses_more_until_recovery()
    {
        var disk = new SimDisk(TimeProvider.System, new Prng(9), SimDiskOptions.None);
        var log = new LogPersistence(disk);
        await log.RecoverAsync(Ct);
        await log.WriteAsync([Commit(1)], Ct);
        var failing = new SimDisk(TimeProvider.System, new Prng(9), SimDiskOptions.None with { SyncErrorPerMille = 1000 });
        var broken = new LogPersistence(failing);
        await broken.RecoverAsync(Ct);

        await Assert.ThrowsAsync<DiskIOException>(async () => await broken.WriteAsync([Commit(1)], Ct));
        failing.Heal();
        var refused = await Assert.ThrowsAsync<DiskIOException>(async () => await broken.WriteAsync([Commit(2)], Ct));
        Assert.Contains("needs recovery", refused.Message);

        failing.Crash();
        var again = new LogPersistence(failing);
        Assert.Equal(Timestamp.Zero, await again.RecoverAsync(Ct)); // the unsynced group was lost
        await again.WriteAsync([Commit(2)], Ct);
    }

    [Fact]
    public async Task The_simulated_disk_loses_unsynced_writes_and_is_deterministic()
    {
        async Task<(long, int)> RunAsync()
        {
            var disk = new SimDisk(TimeProvider.System, new Prng(77), SimDiskOptions.None with { TornWritePerMille = 500 });
            var file = await disk.OpenAsync("f", Ct);
            await file.WriteAsync(0, new byte[100], Ct);
            await file.SyncAsync(Ct);
            await file.WriteAsync(100, new byte[50], Ct);
            await file.WriteAsync(150, new byte[50], Ct);
            Assert.Equal(200, file.Length);
            disk.Crash();
            return (file.Length, disk.TornWrites);
        }

        var first = await RunAsync();
        Assert.InRange(first.Item1, 100, 149); // the durable 100 bytes, plus at most a torn part of the first lost write
        Assert.Equal(first, await RunAsync());
    }
}

/// <summary>The record memo shared by the incarnations on one disk returns exactly what decoding would.</summary>
public sealed class LogRecordMemoTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CommitRecord Commit(ulong ts, long n) => new(new Timestamp(ts),
        [new DocumentWrite(new Core.Ids.DocumentId(Core.Ids.TableNumber.FirstUser, (UInt128)ts),
            ConvexObject.Empty.With("n", new ConvexInt64(n)))], []);

    private static async Task<long?> ReadNAsync(LogPersistence log, ulong ts)
    {
        var stored = await log.GetAsync(Commit(ts, 0).Documents[0].Id, new Timestamp(ts), Ct);
        return stored is null ? null : ((ConvexInt64)stored.Value["n"]!).Value;
    }

    [Fact]
    public async Task A_second_recovery_decodes_nothing_again_and_sees_the_same_data()
    {
        var disk = new SimDisk(TimeProvider.System, new Prng(3), SimDiskOptions.None);
        var memo = new LogRecordMemo();
        var log = new LogPersistence(disk, memo);
        await log.RecoverAsync(Ct);
        await log.WriteAsync([Commit(1, 10), Commit(2, 20)], Ct);
        await log.WriteAsync([Commit(3, 30)], Ct);

        var first = new LogPersistence(disk, memo);
        Assert.Equal(new Timestamp(3), await first.RecoverAsync(Ct));
        Assert.Equal((0, 2), (memo.Hits, memo.Misses));

        var second = new LogPersistence(disk, memo);
        Assert.Equal(new Timestamp(3), await second.RecoverAsync(Ct));
        Assert.Equal((2, 2), (memo.Hits, memo.Misses));
        Assert.Equal(20, await ReadNAsync(second, 2));
        Assert.Equal(30, await ReadNAsync(second, 3));
    }

    [Fact]
    public async Task A_different_record_at_a_remembered_offset_is_decoded_afresh()
    {
        var disk = new SimDisk(TimeProvider.System, new Prng(4), SimDiskOptions.None);
        var memo = new LogRecordMemo();
        var log = new LogPersistence(disk, memo);
        await log.RecoverAsync(Ct);
        await log.WriteAsync([Commit(1, 10)], Ct);
        var file = await disk.OpenAsync(LogPersistence.FileName, Ct);
        var offset = file.Length;
        await file.WriteAsync(offset, LogRecordCodec.Encode([Commit(2, 20)]), Ct);
        Assert.Equal(20, await RecoverAndReadAsync(2));

        // Same offset, same length, other bytes: the memo must not answer for it.
        await file.TruncateAsync(offset, Ct);
        await file.WriteAsync(offset, LogRecordCodec.Encode([Commit(2, 21)]), Ct);
        Assert.Equal(21, await RecoverAndReadAsync(2));
        Assert.Equal(3, memo.Misses);

        async Task<long?> RecoverAndReadAsync(ulong ts)
        {
            var recovered = new LogPersistence(disk, memo);
            await recovered.RecoverAsync(Ct);
            return await ReadNAsync(recovered, ts);
        }
    }
}
