using Convex.Sim.Core;
using Convex.Sim.Database.Schema;
using Convex.Sim.Functions.Hosting;
using Convex.Sim.Functions.Modules;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Convex.Sim.Functions.Analysis;

/// <summary>
/// Evaluates the bundled <c>schema.js</c> (convex-compat §5.4, §7.9.1) in an engine of its own
/// and parses its <c>default.export()</c> JSON into a <see cref="DatabaseSchema"/>.
/// </summary>
public static class SchemaEvaluator
{
    public static async Task<DatabaseSchema> EvaluateAsync(
        ModuleSource schemaModule, TimeProvider clock, IRandom random, CancellationToken cancellationToken)
    {
        var modules = new ModuleSet([schemaModule]);
        var (json, error, _) = await ImportEvaluation.RunAsync(
            modules, schemaModule.Path, clock, random, ModuleAnalyzer.DefaultLimits, ExportJson, cancellationToken);
        if (json is null)
        {
            throw new ConvexException("InvalidSchema", $"Failed to evaluate {schemaModule.Path}: {error}");
        }

        return DatabaseSchema.Parse(json);
    }

    private static string ExportJson(ObjectInstance ns)
    {
        if (ns.Get("default") is not ObjectInstance schema || !schema.Get("export").IsCallable())
        {
            throw new ConvexException("InvalidSchema",
                "schema.js must default-export a schema (defineSchema(...)), whose export() method describes it");
        }

        return ns.Engine.Invoke(schema.Get("export"), schema, []) is JsString json
            ? json.ToString()
            : throw new ConvexException("InvalidSchema", "the schema's export() did not return a JSON string");
    }
}
