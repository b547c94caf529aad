using Convex.Sim.Core;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Syscalls;

namespace Convex.Sim.Functions.Execution;

/// <summary>The document syscalls: <c>get</c>, <c>insert</c>, <c>shallowMerge</c>, <c>replace</c>, <c>remove</c>.</summary>
internal sealed partial class TransactionHost
{
    private async ValueTask<string> GetAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        var id = args.Id("id", "db.get");
        var table = _transaction.Catalog.FindTable(id.Table);
        CheckTable(args, id, "db.get");
        var isSystem = args.OptionalBool("isSystem");
        if (table is not null && table.Number.IsSystem != isSystem)
        {
            throw isSystem
                ? new ConvexException("InvalidArgument", $"Invalid argument `id` for `db.system.get`: {DocumentIdCodec.Encode(id)} is not an ID of a system table")
                : SystemTableRead(id);
        }

        if (isSystem)
        {
            throw SyscallErrors.NotSupportedYet("Reading system tables (db.system: _storage, _scheduled_functions)");
        }

        return DocumentJson(await _transaction.GetAsync(id, cancellationToken));
    }

    private async ValueTask<string> InsertAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        RequireMutation("db.insert");
        var table = args.String("table");
        var value = args.Object("value");
        CheckSchema(table, value);
        var id = await _transaction.InsertAsync(table, value, cancellationToken);
        return $"{{\"_id\":\"{DocumentIdCodec.Encode(id)}\"}}";
    }

    private async ValueTask<string> PatchAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        RequireMutation("db.patch");
        var id = args.Id("id", "db.patch");
        CheckTable(args, id, "db.patch");
        var fields = PatchFields(args);
        if (_schema is not null && await _transaction.GetAsync(id, cancellationToken) is { } current)
        {
            var merged = current;
            foreach (var (name, value) in fields)
            {
                merged = value is null ? merged.Without(name) : merged.With(name, value);
            }

            CheckSchema(TableName(id), merged);
        }

        await _transaction.PatchAsync(id, fields, cancellationToken);
        return DocumentJson(await _transaction.GetAsync(id, cancellationToken));
    }

    private async ValueTask<string> ReplaceAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        RequireMutation("db.replace");
        var id = args.Id("id", "db.replace");
        CheckTable(args, id, "db.replace");
        var value = args.Object("value");
        CheckSchema(TableName(id), value);
        await _transaction.ReplaceAsync(id, value, cancellationToken);
        return DocumentJson(await _transaction.GetAsync(id, cancellationToken));
    }

    private async ValueTask<string> RemoveAsync(SyscallArgs args, CancellationToken cancellationToken)
    {
        RequireMutation("db.delete");
        var id = args.Id("id", "db.delete");
        CheckTable(args, id, "db.delete");
        var old = await _transaction.GetAsync(id, cancellationToken);
        await _transaction.DeleteAsync(id, cancellationToken);
        return DocumentJson(old);
    }

    /// <summary>
    /// A patch value: top-level fields to set, where <c>{"$undefined":null}</c> removes the field
    /// (the library's encoding of <c>undefined</c>).
    /// </summary>
    private static List<KeyValuePair<string, ConvexValue?>> PatchFields(SyscallArgs args)
    {
        var value = args.Element("value");
        if (value.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw SyscallErrors.BadArguments(args.Op, "argument `value` must be an object");
        }

        var fields = new List<KeyValuePair<string, ConvexValue?>>();
        foreach (var property in value.EnumerateObject())
        {
            try
            {
                fields.Add(new(property.Name, ConvexJson.DecodeAllowingUndefined(property.Value)));
            }
            catch (InvalidValueException e)
            {
                throw new ConvexException("InvalidValue", e.Message);
            }
        }

        return fields;
    }

    /// <summary>
    /// Checks a document against the active schema before it is written (convex-compat §5.9), so
    /// that an invalid write never enters the transaction even if the function catches the error.
    /// </summary>
    private void CheckSchema(string table, ConvexObject document)
    {
        if (_schema?.CheckWrite(table, document, number => _transaction.Catalog.FindTable(number)?.Name) is { } violation)
        {
            throw new ConvexException("SchemaValidationFailed", violation.Message);
        }
    }

    private string TableName(DocumentId id) => _transaction.Catalog.FindTable(id.Table)?.Name ?? "";

    private void RequireMutation(string api)
    {
        if (!IsMutation)
        {
            throw new ConvexException("ReadOnlyTransaction",
                $"{api} cannot be used in a query: queries are read-only. Use a mutation to write.");
        }
    }

    /// <summary>The optional <c>table</c> argument (npm ≥ 1.31 sends it) must name the ID's table.</summary>
    private void CheckTable(SyscallArgs args, DocumentId id, string api)
    {
        if (args.OptionalString("table") is not { } expected)
        {
            return;
        }

        var actual = _transaction.Catalog.FindTable(id.Table)?.Name;
        if (actual is not null && actual != expected)
        {
            throw new ConvexException("InvalidArgument",
                $"Invalid argument `id` for `{api}`: ID \"{DocumentIdCodec.Encode(id)}\" is for table \"{actual}\", not \"{expected}\"");
        }
    }

    private static ConvexException SystemTableRead(DocumentId id) =>
        new("InvalidArgument",
            $"Invalid argument `id` for `db.get`: {DocumentIdCodec.Encode(id)} is an ID of a system table; use db.system.get");
}
