using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage;

namespace Convex.Sim.Database.Tests;

/// <summary>Opens databases over in-memory persistence with the production runtime.</summary>
internal static class DatabaseFixture
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<Database> OpenAsync(IPersistence persistence, DatabaseOptions? options = null) =>
        Database.OpenAsync(new ProductionRuntime(seed: 42), persistence, options ?? DatabaseOptions.Default, Ct);

    public static Task<Database> OpenAsync(DatabaseOptions? options = null) => OpenAsync(new Convex.Sim.Storage.Memory.MemoryPersistence(), options);

    public static ConvexObject Doc(params (string Name, ConvexValue Value)[] fields) =>
        ConvexObject.From(fields.Select(f => new KeyValuePair<string, ConvexValue>(f.Name, f.Value)));

    public static ConvexString S(string value) => new(value);

    public static ConvexInt64 I(long value) => new(value);

    public static string Str(ConvexObject doc, string field) => ((ConvexString)doc[field]!).Value;

    public static long Int(ConvexObject doc, string field) => ((ConvexInt64)doc[field]!).Value;
}
