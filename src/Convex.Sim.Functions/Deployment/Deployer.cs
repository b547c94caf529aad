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
    public static Task<ActiveDeployment> PrepareAsync(
        IReadOnlyList<ModuleSource> modules, ModuleSource? schemaModule, IRuntime runtime, CancellationToken cancellationToken,
        Execution.DeploymentEnvironment? environment = null) =>
        PrepareAsync(new ModuleSet(modules), schemaModule, runtime, cancellationToken, environment);

    /// <summary>
    /// Prepares a deployment of an already built <see cref="ModuleSet"/>. A module set is immutable and
    /// parses each module once, so deploying the same set again (the simulator redeploys its workload at
    /// every boot of every seed) skips the parse; the analysis still runs with this runtime's clock and
    /// randomness.
    /// </summary>
    public static async Task<ActiveDeployment> PrepareAsync(
        ModuleSet moduleSet, ModuleSource? schemaModule, IRuntime runtime, CancellationToken cancellationToken,
        Execution.DeploymentEnvironment? environment = null)
    {
        var random = runtime.Random.Fork("push");
        var analyzed = await ModuleAnalyzer.AnalyzeAsync(
            moduleSet, runtime.Time, random, ModuleAnalyzer.DefaultLimits, cancellationToken, environment);
        var schema = schemaModule is null ? null : await SchemaEvaluator.EvaluateAsync(schemaModule, runtime.Time, random, cancellationToken);
        return new ActiveDeployment(moduleSet, new FunctionIndex(analyzed), schema);
    }

    /// <summary>
    /// Makes the database match the schema: validates existing data, then removes the indexes the
    /// schema no longer declares (or whose fields changed) and creates and backfills the new ones
    /// (<see cref="IndexPlan"/>). Returns what it changed.
    /// </summary>
    public static async Task<IndexPlan> ApplySchemaAsync(DatabaseEngine database, DatabaseSchema schema, CancellationToken cancellationToken)
    {
        await CheckExistingDocumentsAsync(database, schema, cancellationToken);
        var plan = IndexPlan.Between(database.Catalog, schema);
        foreach (var index in plan.Removed)
        {
            await database.DropIndexAsync(index.Table, index.Name, cancellationToken);
        }

        foreach (var index in plan.Added)
        {
            await database.CreateIndexAsync(index.Table, index.Name, index.Fields, cancellationToken);
        }

        return plan;
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
