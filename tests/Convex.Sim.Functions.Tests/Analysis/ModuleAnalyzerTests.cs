using Convex.Sim.Testing.Corpus;
using Convex.Sim.Core;
using Convex.Sim.Functions.Analysis;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Functions.Modules;
using Convex.Sim.Functions.Tests.Corpus;

namespace Convex.Sim.Functions.Tests.Analysis;

public sealed class ModuleAnalyzerTests
{
    private static Task<IReadOnlyList<AnalyzedModule>> AnalyzeAsync(ModuleSet modules) =>
        ModuleAnalyzer.AnalyzeAsync(modules, TimeProvider.System, new Prng(1), ModuleAnalyzer.DefaultLimits, TestBackend.Ct);

    [Fact]
    public async Task The_corpus_modules_list_their_functions_with_kind_visibility_and_validators()
    {
        var modules = await AnalyzeAsync(CorpusBundle.ModuleSet);
        Assert.Equal(["actions.js", "crons.js", "crossModule.js", "hostile.js", "http.js", "lib/helpers.js", "messages.js"],
            modules.Select(m => m.Path));
        Assert.Empty(modules.Single(m => m.Path == "lib/helpers.js").Functions);

        var messages = modules.Single(m => m.Path == "messages.js").Functions.ToDictionary(f => f.Name);
        var send = messages["send"];
        Assert.Equal(UdfKind.Mutation, send.Kind);
        Assert.Equal(Visibility.Public, send.Visibility);
        Assert.Equal(
            """{"type":"object","value":{"author":{"fieldType":{"type":"string"},"optional":false},"body":{"fieldType":{"type":"string"},"optional":false},"channel":{"fieldType":{"type":"string"},"optional":false},"likes":{"fieldType":{"type":"number"},"optional":true}}}""",
            send.ArgsJson);
        Assert.Null(send.ReturnsJson);
        Assert.Equal(Visibility.Internal, messages["internalGet"].Visibility);
        Assert.Equal(UdfKind.Query, messages["internalGet"].Kind);
        Assert.Equal("""{"type":"object","value":{"ok":{"fieldType":{"type":"boolean"},"optional":false},"n":{"fieldType":{"type":"number"},"optional":false}}}""",
            messages["returnsWrongType"].ReturnsJson);

        var actions = modules.Single(m => m.Path == "actions.js").Functions.ToDictionary(f => f.Name);
        Assert.Equal(UdfKind.Action, actions["roundTrip"].Kind);
        Assert.Equal(Visibility.Internal, actions["echo"].Visibility);
    }

    [Fact]
    public async Task Http_routes_and_cron_specs_are_exported_at_push_time()
    {
        var modules = await AnalyzeAsync(CorpusBundle.ModuleSet);
        var http = modules.Single(m => m.Path == "http.js");
        // getRoutes(): exact paths (sorted, then by method), then prefixes as "<prefix>*".
        Assert.Equal(new HttpRoute("/bytes", "POST"), http.HttpRoutes![0]);
        Assert.Contains(new HttpRoute("/hello", "GET"), http.HttpRoutes);
        Assert.Contains(new HttpRoute("/hello", "OPTIONS"), http.HttpRoutes);
        Assert.Equal([new HttpRoute("/echo/*", "POST"), new HttpRoute("/echo/upper/*", "POST")], http.HttpRoutes.TakeLast(2));
        var crons = modules.Single(m => m.Path == "crons.js").CronsJson;
        Assert.NotNull(crons);
        using var json = System.Text.Json.JsonDocument.Parse(crons);
        var cleanup = json.RootElement.GetProperty("cleanup");
        Assert.Equal("messages:internalSend", cleanup.GetProperty("name").GetString());
        Assert.Equal("interval", cleanup.GetProperty("schedule").GetProperty("type").GetString());
        Assert.Equal(5, cleanup.GetProperty("schedule").GetProperty("minutes").GetDouble());
        Assert.Null(modules.Single(m => m.Path == "messages.js").HttpRoutes);
    }

    [Fact]
    public async Task An_http_module_without_a_router_fails_the_push()
    {
        var modules = new ModuleSet([new ModuleSource("http.js", "export default { notARouter: true };")]);
        var error = await Assert.ThrowsAsync<ConvexException>(() => AnalyzeAsync(modules));
        Assert.Equal("Failed to analyze http.js: http.js must default-export a router made with httpRouter()", error.Message);
    }

    [Fact]
    public async Task A_module_that_throws_at_import_fails_the_push_with_its_console_output()
    {
        var modules = new ModuleSet([new ModuleSource("broken.js", "console.log('loading');\nthrow new Error('bad module');\nexport const x = 1;")]);
        var error = await Assert.ThrowsAsync<ConvexException>(() => AnalyzeAsync(modules));
        Assert.Equal("Failed to analyze broken.js: Uncaught Error: bad module\n[LOG] loading", error.Message);
    }

    [Fact]
    public async Task A_module_with_a_syntax_error_fails_the_push()
    {
        var modules = new ModuleSet([new ModuleSource("broken.js", "export const = ;")]);
        var error = await Assert.ThrowsAsync<ConvexException>(() => AnalyzeAsync(modules));
        Assert.StartsWith("Failed to analyze broken.js: Failed to parse broken.js: Unexpected token", error.Message);
    }

    [Fact]
    public async Task A_module_that_loops_forever_at_import_is_stopped()
    {
        var modules = new ModuleSet([new ModuleSource("loop.js", "while (true) {}\nexport const x = 1;")]);
        var limits = ModuleAnalyzer.DefaultLimits with { UserTime = null, Statements = 100_000 };
        var error = await Assert.ThrowsAsync<ConvexException>(() =>
            ModuleAnalyzer.AnalyzeAsync(modules, TimeProvider.System, new Prng(1), limits, TestBackend.Ct));
        Assert.Contains("statements", error.Message);
    }

    [Fact]
    public async Task A_bare_import_is_refused_because_bundles_must_be_self_contained()
    {
        var modules = new ModuleSet([new ModuleSource("a.js", "import { x } from 'convex/server';\nexport const y = x;")]);
        var error = await Assert.ThrowsAsync<ConvexException>(() => AnalyzeAsync(modules));
        Assert.Contains("bundles must be self-contained", error.Message);
    }
}
