using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Indexing;
using Convex.Sim.Database.Schema;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Runtime;
using Convex.Sim.Storage;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Deployment;

/// <summary>
/// Turns pushed modules and a schema into an <see cref="ActiveDeployment"/>: analyzes the
/// modules, evaluates the schema, checks existing documents against it (a violation fails the
/// push and leaves the old deployment active), and creates and backfills new indexes.
/// </summary>
public static class Deployer
{
    public static async Task<ActiveDeployment> PrepareAsync(
        IReadOnlyList<ModuleSource> modules, ModuleSource? schemaModule, IRuntime runtime, CancellationToken cancellationToken)
    {
        var moduleSet = new ModuleSet(modules);
        var random = runtime.Random.Fork("push");
        var analyzed = await ModuleAnalyzer.AnalyzeAsync(moduleSet, runtime.Time, random, ModuleAnalyzer.DefaultLimits, cancellationToken);
        var schema = schemaModule is null ? null : await SchemaEvaluator.EvaluateAsync(schemaModule, runtime.Time, random, cancellationToken);
        return new ActiveDeployment(moduleSet, new FunctionIndex(analyzed), schema);
    }

    /// <summary>Makes the database match the schema: validates existing data, then adds missing indexes.</summary>
    public static async Task ApplySchemaAsync(DatabaseEngine database, DatabaseSchema schema, CancellationToken cancellationToken)
    {
        await CheckExistingDocumentsAsync(database, schema, cancellationToken);
        foreach (var table in schema.Tables.Values)
        {
            foreach (var index in table.Indexes)
            {
                var existing = database.Catalog.FindTable(table.Name) is { } info ? database.Catalog.FindIndex(info.Number, index.Name) : null;
                if (existing is null)
                {
                    await database.CreateIndexAsync(table.Name, index.Name, index.Fields, cancellationToken);
                }
                else if (!existing.Fields.SequenceEqual(index.Fields))
                {
                    throw new ConvexException("IndexChangeNotSupported",
                        $"Index {table.Name}.{index.Name} changed its fields; changing or dropping an index is not supported yet by Convex.Sim");
                }
            }
        }
    }

    private static async Task CheckExistingDocumentsAsync(DatabaseEngine database, DatabaseSchema schema, CancellationToken cancellationToken)
    {
        if (!schema.SchemaValidation)
        {
            return;
        }

        var transaction = database.BeginReadOnly();
        var documents = new List<(string, ConvexObject)>();
        foreach (var table in schema.Tables.Keys)
        {
            if (database.Catalog.FindTable(table) is null)
            {
                continue;
            }

            var stream = transaction.OpenStream(table, IndexInfo.ByCreationTimeName, IndexRange.All, ScanOrder.Ascending);
            while (await stream.NextAsync(cancellationToken) is { } row)
            {
                documents.Add((table, row.Document));
            }
        }

        var violations = SchemaCheck.Run(schema, documents, number => transaction.Catalog.FindTable(number)?.Name);
        if (violations.Length > 0)
        {
            var shown = string.Join('\n', violations.Take(10).Select(v => v.Message));
            var more = violations.Length > 10 ? $"\n... and {violations.Length - 10} more" : "";
            throw new ConvexException("SchemaValidationFailed",
                $"Schema validation failed: {violations.Length} existing document(s) do not match the new schema.\n{shown}{more}");
        }
    }
}
