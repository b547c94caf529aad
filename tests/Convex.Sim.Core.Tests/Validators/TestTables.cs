using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Validators;

namespace Convex.Sim.Core.Tests.Validators;

/// <summary>
/// A small catalog for <c>v.id</c> tests: users (10001), messages (10002), the system table
/// _storage (7); table number 10003 exists in no catalog. IDs are real encoded document IDs.
/// </summary>
internal static class TestTables
{
    public static readonly TableNameLookup Lookup = number => number.Value switch
    {
        10001 => "users",
        10002 => "messages",
        7 => "_storage",
        _ => null,
    };

    public static readonly string UserId = Id(10001, 1);
    public static readonly string OtherUserId = Id(10001, 2);
    public static readonly string MessageId = Id(10002, 3);
    public static readonly string StorageId = Id(7, 4);
    public static readonly string UnknownTableId = Id(10003, 5);

    private static string Id(uint table, ulong internalId) =>
        DocumentIdCodec.Encode(new DocumentId(new TableNumber(table), new UInt128(0xABCD, internalId)));
}
