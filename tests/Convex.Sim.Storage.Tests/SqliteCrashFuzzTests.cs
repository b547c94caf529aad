using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Storage.Memory;
using Convex.Sim.Storage.Sqlite;

namespace Convex.Sim.Storage.Tests;

/// <summary>
/// The SQLite persistence under random groups of inserts, updates and deletes, with crashes (abrupt
/// closes: the main file's open batch is lost, the journal keeps every acknowledged group) and clean
/// closes at random points, checked before every close and after every reopen against <see cref="MemoryPersistence"/> fed the
/// same acknowledged groups: the latest timestamp, every document at every commit timestamp, and the
/// index at a sample of timestamps. Small thresholds (a batch every <see cref="Batch"/> commits, a checkpoint every
/// <see cref="CheckpointEvery"/>) so that each incarnation crosses both several times: with upkeep
/// (<see cref="IPersistence.MaintainAsync"/>) at random points while it is due, or with none, so that the store's
/// inline upkeep runs.
/// </summary>
public sealed class SqliteCrashFuzzTests : IDisposable
{
    private const int Documents = 24;
    private const int Batch = 16;
    private const int CheckpointEvery = 40;
    private static readonly IndexId Index = new(1001);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("convex-sim-sqlite-fuzz-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(1UL, true)]
    [InlineData(2UL, true)]
    [InlineData(3UL, false)]
    public async Task Acknowledged_groups_survive_crashes_and_reads_match_the_model(ulong seed, bool upkeep)
    {
        var random = new Prng(seed);
        var path = Path.Combine(_dir.FullName, $"fuzz-{seed}.sqlite");
        var model = new MemoryPersistence();
        await model.RecoverAsync(Ct);
        var generator = new Generator(random.Fork("writes"));
        for (var round = 0; round < 5; round++)
        {
            var store = new SqlitePersistence(path, Batch, CheckpointEvery);
            Assert.Equal(generator.Latest, await store.RecoverAsync(Ct));
            await AssertSameAsync(model, store, generator);
            // One round in the middle writes past the inline upkeep's checkpoint; the others stop at random points.
            var groups = round == 2 ? CheckpointEvery * SqlitePersistence.InlineMaintenanceAfter : random.NextInt(1, 300);
            for (var g = 0; g < groups; g++)
            {
                var group = generator.NextGroup(random.NextInt(1, 5));
                await store.WriteAsync(group, Ct);
                await model.WriteAsync(group, Ct);
                if (upkeep && store.MaintenanceDue && random.Chance(1, 2))
                {
                    await store.MaintainAsync(Ct);
                }
            }

            // Reads in the incarnation that wrote: its memories of versions are full, its batch is open.
            await AssertSameAsync(model, store, generator);
            if (random.Chance(2, 3))
            {
                store.CloseAbruptly();
            }
            else
            {
                await store.DisposeAsync();
            }
        }

        await using var last = new SqlitePersistence(path);
        Assert.Equal(generator.Latest, await last.RecoverAsync(Ct));
        await AssertSameAsync(model, last, generator);
        Assert.True(generator.Latest.Value > (ulong)(CheckpointEvery * SqlitePersistence.InlineMaintenanceAfter));
    }

    private static async Task AssertSameAsync(MemoryPersistence model, SqlitePersistence store, Generator generator)
    {
        foreach (var ts in generator.CommitTimestamps.Prepend(Timestamp.Zero))
        {
            for (var d = 0; d < Documents; d++)
            {
                var expected = await model.GetAsync(Generator.Id(d), ts, Ct);
                var actual = await store.GetAsync(Generator.Id(d), ts, Ct);
                Assert.Equal(expected?.Ts, actual?.Ts);
                Assert.Equal(expected?.Value, actual?.Value);
            }
        }

        var sampled = generator.CommitTimestamps.Where((_, i) => i % 17 == 0).Append(generator.Latest);
        foreach (var ts in sampled)
        {
            foreach (var order in new[] { ScanOrder.Ascending, ScanOrder.Descending })
            {
                var expected = await model.ScanAsync(Index, KeyRange.All, ts, order, 1000, Ct);
                var actual = await store.ScanAsync(Index, KeyRange.All, ts, order, 1000, Ct);
                Assert.Equal(Describe(expected), Describe(actual));
            }
        }
    }

    private static List<string> Describe(IReadOnlyList<IndexRow> rows) =>
        [.. rows.Select(r => $"{Convert.ToHexString(r.Key)} {r.Document.Id} @{r.Document.Ts.Value} {ConvexJson.Encode(r.Document.Value)}")];

    /// <summary>Random commits over a fixed set of documents; each document's index key follows its value.</summary>
    private sealed class Generator(IRandom random)
    {
        private readonly byte[]?[] _keys = new byte[Documents][];
        private readonly List<Timestamp> _timestamps = [];
        private int _next;

        public Timestamp Latest { get; private set; } = Timestamp.Zero;

        public IReadOnlyList<Timestamp> CommitTimestamps => _timestamps;

        public static DocumentId Id(int d) => new(TableNumber.FirstUser, (UInt128)(d + 1));

        public List<CommitRecord> NextGroup(int commits) => [.. Enumerable.Range(0, commits).Select(_ => NextCommit())];

        private CommitRecord NextCommit()
        {
            Latest = new Timestamp(Latest.Value + (ulong)random.NextInt(1, 4));
            _timestamps.Add(Latest);
            var documents = new List<DocumentWrite>();
            var indexes = new List<IndexWrite>();
            var touched = Enumerable.Range(0, random.NextInt(1, 4)).Select(_ => random.NextInt(0, Documents)).Distinct();
            foreach (var d in touched)
            {
                var old = _keys[d];
                if (old is not null)
                {
                    indexes.Add(new IndexWrite(Index, old, null));
                }

                if (old is not null && random.Chance(1, 4))
                {
                    documents.Add(new DocumentWrite(Id(d), null));
                    _keys[d] = null;
                    continue;
                }

                var n = ++_next;
                var key = new byte[] { (byte)random.NextInt(0, 8), (byte)(n >> 8), (byte)n, (byte)d };
                documents.Add(new DocumentWrite(Id(d), ConvexObject.Empty.With("n", new ConvexInt64(n)).With("d", new ConvexInt64(d))));
                indexes.Add(new IndexWrite(Index, key, Id(d)));
                _keys[d] = key;
            }

            return new CommitRecord(Latest, documents, indexes);
        }
    }
}
