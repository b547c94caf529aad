using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Query;
using FsCheck.Xunit;
using static Convex.Sim.Database.Tests.DatabaseFixture;
using static Convex.Sim.Database.Tests.Query.QueryFixture;

namespace Convex.Sim.Database.Tests.Query;

/// <summary>
/// Paging through random data with random page sizes (and sometimes a random maximumRowsRead) yields exactly
/// the query's full result, in order, each document once. The expected order is computed here from the data
/// (insertion order, or v then insertion order with missing v first), not by the code under test.
/// </summary>
public sealed class PaginationProperties
{
    [Property(MaxTest = 100)]
    public async Task<bool> Paging_yields_the_full_ordered_result(int seed)
    {
        var random = new Prng((ulong)seed);
        var db = await OpenAsync();
        await db.CreateIndexAsync("messages", "by_v", [FieldPath.Parse("v")], Ct);
        var values = await InsertRandomAsync(db, random);

        var byIndex = random.Chance(1, 2);
        var descending = random.Chance(1, 2);
        var filtered = random.Chance(1, 3);
        var order = descending ? "\"desc\"" : "\"asc\"";
        const string NotTwo = """{"filter":{"$neq":[{"$field":"v"},{"$literal":{"$integer":"AgAAAAAAAAA="}}]}}""";
        var operators = filtered ? NotTwo : "";
        var query = byIndex ? Range("by_v", "", order, operators) : Scan(order, operators);

        var expected = Expected(values, byIndex, descending, filtered);
        var actual = await WalkAsync(db, query, random);
        return expected.SequenceEqual(actual);
    }

    private static async Task<List<long?>> InsertRandomAsync(Database db, Prng random)
    {
        var values = new List<long?>();
        var tx = db.BeginTransaction();
        for (var n = random.NextInt(0, 26); n > 0; n--)
        {
            long? v = random.Chance(1, 5) ? null : random.NextInt(0, 5);
            var document = Doc(("n", I(values.Count)));
            await tx.InsertAsync("messages", v is null ? document : document.With("v", I(v.Value)), Ct);
            values.Add(v);
        }

        await db.CommitAsync(tx, Ct);
        return values;
    }

    /// <summary>The n's in query order. Creation order is insertion order; OrderBy is stable.</summary>
    private static List<long> Expected(List<long?> values, bool byIndex, bool descending, bool filtered)
    {
        var rows = values.Select((v, n) => (V: v, N: (long)n)).Where(r => !filtered || r.V != 2);
        if (byIndex)
        {
            rows = rows.OrderBy(r => r.V is null ? 0 : 1).ThenBy(r => r.V ?? 0);
        }

        var ordered = rows.Select(r => r.N).ToList();
        if (descending)
        {
            ordered.Reverse();
        }

        return ordered;
    }

    private static async Task<List<long>> WalkAsync(Database db, string query, Prng random)
    {
        var result = new List<long>();
        string? cursor = null;
        for (var pages = 0; pages < 200; pages++)
        {
            long? rowsMax = random.Chance(1, 3) ? random.NextInt(1, 6) : null;
            var pageSize = random.NextInt(1, 8);
            var page = await PageAsync(db.BeginReadOnly(), query, cursor, pageSize, maximumRowsRead: rowsMax);
            result.AddRange(Ns(page.Page));
            if (page.IsDone)
            {
                return result;
            }

            cursor = page.ContinueCursor;
        }

        throw new InvalidOperationException("pagination did not finish");
    }
}
