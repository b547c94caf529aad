using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Deployment;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Runtime.Production;
using Convex.Sim.Storage.Memory;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>
/// Deployment environment variables as functions see them (convex-compat §7.13): <c>process.env</c>
/// in queries, mutations, actions and module-level code, with Convex's proxy semantics; the rules
/// a change must follow; the <c>_system/cli</c> queries over them.
/// </summary>
public sealed class EnvironmentTests
{
    // Hand-written function objects in the shape the library produces.
    private const string Module = """
        const atImport = process.env.GREETING ?? null;
        export const read = {
          isQuery: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeQuery: async (args) => JSON.stringify(process.env[JSON.parse(args)[0].name] ?? null),
        };
        export const shape = {
          isQuery: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeQuery: async () => {
            const keysBefore = Object.keys(process.env).length;
            console.log(process.env);
            const json = JSON.stringify(process.env);
            process.env.WRITTEN = "ignored";
            return JSON.stringify([keysBefore, "GREETING" in process.env, typeof process.env.MISSING,
              process.env.WRITTEN ?? null, process.env.inspect(), Object.keys(process.env).length, json]);
          },
        };
        export const imported = {
          isQuery: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeQuery: async () => JSON.stringify(atImport),
        };
        export const write = {
          isMutation: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeMutation: async () => JSON.stringify(process.env.GREETING ?? null),
        };
        export const act = {
          isAction: true,
          isPublic: true,
          exportArgs: () => '{"type":"any"}',
          exportReturns: () => "null",
          invokeAction: async () => JSON.stringify(process.env.GREETING ?? null),
        };
        """;

    private static readonly EnvironmentVariableChange Hello = new("GREETING", "hello");

    [Fact]
    public async Task Push_time_analysis_sees_the_environment_so_a_module_may_require_a_variable()
    {
        const string Requiring = """
            if (!process.env.GREETING) { throw new Error("GREETING is not set"); }
            export const ok = {
              isQuery: true, isPublic: true,
              exportArgs: () => '{"type":"any"}', exportReturns: () => "null",
              invokeQuery: async () => "null",
            };
            """;
        var runtime = new ProductionRuntime(seed: 6);
        ModuleSource[] modules = [new ModuleSource("requiring.js", Requiring)];
        var missing = await Assert.ThrowsAsync<ConvexException>(() => Deployer.PrepareAsync(modules, null, runtime, Ct));
        Assert.Contains("GREETING is not set", missing.Message, StringComparison.Ordinal);
        var deployment = await Deployer.PrepareAsync(modules, null, runtime, Ct, With(Hello));
        Assert.NotNull(deployment.Functions.Find(UdfPath.Parse("requiring:ok")));
    }

    private static async Task<FunctionRunner> StartAsync()
    {
        var runtime = new ProductionRuntime(seed: 5);
        var database = await DatabaseEngine.OpenAsync(
            runtime, new MemoryPersistence(), Database.DatabaseOptions.Default, Ct);
        var runner = new FunctionRunner(database, runtime, Corpus.TestBackend.WithConversion());
        runner.Deploy(await Deployer.PrepareAsync([new ModuleSource("env.js", Module)], null, runtime, Ct));
        return runner;
    }

    private static DeploymentEnvironment With(params EnvironmentVariableChange[] changes) =>
        new(EnvironmentVariables.Empty.Apply(changes), "http://127.0.0.1:3210", "http://127.0.0.1:3211");

    private static async Task<ConvexValue?> ReadAsync(FunctionRunner runner, string name)
    {
        var result = await runner.RunQueryAsync(
            new FunctionCall("env:read", ConvexObject.From([new("name", new ConvexString(name))])), Ct);
        Assert.True(result.Succeeded, result.ErrorMessage);
        return result.Value;
    }

    [Fact]
    public async Task Queries_mutations_and_actions_read_the_current_variables()
    {
        var runner = await StartAsync();
        Assert.Equal(ConvexNull.Instance, await ReadAsync(runner, "GREETING"));

        runner.SetEnvironment(With(Hello));
        Assert.Equal(new ConvexString("hello"), await ReadAsync(runner, "GREETING"));
        Assert.Equal(new ConvexString("http://127.0.0.1:3210"), await ReadAsync(runner, "CONVEX_CLOUD_URL"));
        Assert.Equal(new ConvexString("http://127.0.0.1:3211"), await ReadAsync(runner, "CONVEX_SITE_URL"));
        var mutation = await runner.RunMutationAsync(new FunctionCall("env:write", ConvexObject.Empty), Ct);
        Assert.Equal(new ConvexString("hello"), mutation.Value);
        var action = await runner.RunActionAsync(new FunctionCall("env:act", ConvexObject.Empty), Ct);
        Assert.Equal(new ConvexString("hello"), action.Value);

        runner.SetEnvironment(With(new EnvironmentVariableChange("GREETING", "bye")));
        Assert.Equal(new ConvexString("bye"), await ReadAsync(runner, "GREETING"));
    }

    [Fact]
    public async Task Process_env_is_a_get_only_proxy_as_in_Convex()
    {
        var runner = await StartAsync();
        runner.SetEnvironment(With(Hello));
        var result = await runner.RunQueryAsync(new FunctionCall("env:shape", ConvexObject.Empty), Ct);
        Assert.True(result.Succeeded, result.ErrorMessage);
        // No own keys, no `in`, missing names undefined, inspect() answers a tag; a write lands on
        // the proxy's target (so Object.keys sees it) but reads still go to the trap.
        Assert.Equal("[0,false,\"undefined\",null,\"[process.env]\",1,\"{}\"]", ConvexJson.Encode(result.Value!));
        Assert.Single(result.LogLines); // console.log of process.env renders without throwing
    }

    [Fact]
    public async Task Module_level_code_sees_the_variables_and_a_change_re_imports_modules()
    {
        var runner = await StartAsync();
        runner.SetEnvironment(With(Hello));
        await runner.WarmUpAsync(1, Ct); // imports under the import-time host
        var first = await runner.RunQueryAsync(new FunctionCall("env:imported", ConvexObject.Empty), Ct);
        Assert.Equal(new ConvexString("hello"), first.Value);

        runner.SetEnvironment(With(new EnvironmentVariableChange("GREETING", "changed")));
        var second = await runner.RunQueryAsync(new FunctionCall("env:imported", ConvexObject.Empty), Ct);
        Assert.Equal(new ConvexString("changed"), second.Value);
    }

    [Theory]
    [InlineData("1ABC", "EnvironmentVariableNameInvalid")]
    [InlineData("", "EnvironmentVariableNameInvalid")]
    [InlineData("WITH-DASH", "EnvironmentVariableNameInvalid")]
    [InlineData("CONVEX_CLOUD_URL", "EnvVarNameForbidden")]
    [InlineData("CONVEX_SITE_URL", "EnvVarNameForbidden")]
    public void Invalid_or_built_in_names_are_refused(string name, string code)
    {
        var e = Assert.Throws<ConvexException>(() =>
            EnvironmentVariables.Empty.Apply([new EnvironmentVariableChange(name, "v")]));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Names_values_count_and_total_size_are_limited()
    {
        var longest = new string('N', EnvironmentVariables.NameLengthMax);
        Assert.Equal(1, EnvironmentVariables.Empty.Apply([new(longest, "v"), new("_UNDERSCORE_1", "")]).Count - 1);
        Assert.Equal("EnvironmentVariableNameTooLong", Assert.Throws<ConvexException>(() =>
            EnvironmentVariables.Empty.Apply([new(longest + "N", "v")])).Code);

        var largest = new string('v', EnvironmentVariables.ValueSizeBytesMax);
        Assert.Equal(largest, EnvironmentVariables.Empty.Apply([new("BIG", largest)]).Get("BIG"));
        Assert.Equal("EnvironmentVariableValueTooLarge", Assert.Throws<ConvexException>(() =>
            EnvironmentVariables.Empty.Apply([new("BIG", largest + "v")])).Code);
        // Bytes, not characters: 4,097 two-byte characters are over 8 KiB.
        Assert.Equal("EnvironmentVariableValueTooLarge", Assert.Throws<ConvexException>(() =>
            EnvironmentVariables.Empty.Apply([new("BIG", new string('é', 4097))])).Code);

        var many = Enumerable.Range(0, EnvironmentVariables.CountMax + 1)
            .Select(i => new EnvironmentVariableChange($"V{i}", "x")).ToList();
        Assert.Equal(EnvironmentVariables.CountMax, EnvironmentVariables.Empty.Apply(many[1..]).Count);
        Assert.Equal("EnvVarLimitMet", Assert.Throws<ConvexException>(() =>
            EnvironmentVariables.Empty.Apply(many)).Code);

        var heavy = Enumerable.Range(0, 70).Select(i => new EnvironmentVariableChange($"H{i}", largest)).ToList();
        Assert.Equal("EnvVarTotalSizeLimitMet", Assert.Throws<ConvexException>(() =>
            EnvironmentVariables.Empty.Apply(heavy)).Code);
    }

    [Fact]
    public void Changes_apply_in_order_and_deleting_a_missing_name_is_not_an_error()
    {
        var set = EnvironmentVariables.Empty.Apply([new("B", "1"), new("A", "2"), new("B", "3"), new("C", null)]);
        Assert.Equal([KeyValuePair.Create("A", "2"), KeyValuePair.Create("B", "3")], set.Entries);
        var removed = set.Apply([new("A", null)]);
        Assert.Null(removed.Get("A"));
        Assert.Equal("2", set.Get("A")); // immutable
    }

    [Fact]
    public async Task System_queries_list_and_get_variables_for_admins_only()
    {
        var runner = await StartAsync();
        runner.SetEnvironment(With(new("ZED", "last"), Hello));
        var list = await runner.RunQueryAsync(
            new FunctionCall("_system/cli/queryEnvironmentVariables", ConvexObject.Empty) { AllowInternal = true }, Ct);
        Assert.Equal("""[{"name":"GREETING","value":"hello"},{"name":"ZED","value":"last"}]""",
            ConvexJson.Encode(list.Value!));

        var get = await runner.RunQueryAsync(new FunctionCall("_system/cli/queryEnvironmentVariables:get",
            ConvexObject.From([new("name", new ConvexString("GREETING"))])) { AllowInternal = true }, Ct);
        Assert.Equal("""{"name":"GREETING","value":"hello"}""", ConvexJson.Encode(get.Value!));
        var missing = await runner.RunQueryAsync(new FunctionCall("_system/cli/queryEnvironmentVariables:get",
            ConvexObject.From([new("name", new ConvexString("NOPE"))])) { AllowInternal = true }, Ct);
        Assert.Equal(ConvexNull.Instance, missing.Value);
        var url = await runner.RunQueryAsync(
            new FunctionCall("_system/cli/convexUrl:cloudUrl", ConvexObject.Empty) { AllowInternal = true }, Ct);
        Assert.Equal(new ConvexString("http://127.0.0.1:3210"), url.Value);

        var refused = await runner.RunQueryAsync(
            new FunctionCall("_system/cli/queryEnvironmentVariables", ConvexObject.Empty), Ct);
        Assert.False(refused.Succeeded);
        Assert.Contains("admin key", refused.ErrorMessage, StringComparison.Ordinal);
        var unknown = await runner.RunQueryAsync(
            new FunctionCall("_system/cli/nope", ConvexObject.Empty) { AllowInternal = true }, Ct);
        Assert.Contains("Could not find function", unknown.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_spec_lists_every_function_with_its_kind_and_visibility()
    {
        var runner = await StartAsync();
        var spec = await runner.RunQueryAsync(
            new FunctionCall("_system/cli/modules:apiSpec", ConvexObject.Empty) { AllowInternal = true }, Ct);
        var entries = Assert.IsType<ConvexArray>(spec.Value).Items.Cast<ConvexObject>().ToList();
        Assert.Equal(["env.js:act", "env.js:imported", "env.js:read", "env.js:shape", "env.js:write"],
            entries.Select(e => ((ConvexString)e["identifier"]!).Value));
        var act = entries[0];
        Assert.Equal(new ConvexString("Action"), act["functionType"]);
        Assert.Equal("""{"kind":"public"}""", ConvexJson.Encode(act["visibility"]!));
        Assert.Equal("""{"type":"any"}""", ConvexJson.Encode(act["args"]!));
    }
}
