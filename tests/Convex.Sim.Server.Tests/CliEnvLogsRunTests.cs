namespace Convex.Sim.Server.Tests;

/// <summary>
/// End to end with the official CLI (convex 1.48.0): <c>convex env set/remove</c> with the value
/// visible as <c>process.env</c> in a function, <c>convex run</c> of a query and a mutation, and
/// <c>convex logs</c> printing a function's console lines (convex-compat §9.2 items 8, 9, 12).
/// Needs Node on PATH and <c>npm ci</c> in tests/functions.
/// </summary>
public sealed class CliEnvLogsRunTests
{
    private const string EnvModule = """
        import { v } from "convex/values";
        import { query } from "./_generated/server";

        declare const process: { env: Record<string, string | undefined> };

        export const read = query({
          args: { name: v.string() },
          handler: async (_ctx, { name }) => process.env[name] ?? null,
        });
        """;

    private static async Task<CliApp> DeployAsync(TestServer server)
    {
        var app = CliApp.Create();
        File.WriteAllText(Path.Combine(app.ConvexDirectory, "env.ts"), EnvModule);
        var deployed = await app.RunAsync(
            server.Server.Url, server.Server.Identity.AdminKey, "deploy", "-y", "--typecheck", "disable");
        Assert.True(deployed.ExitCode == 0, deployed.ToString());
        return app;
    }

    [Fact]
    public async Task Env_set_is_seen_by_a_function_run_from_the_cli_and_env_remove_unsets_it()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        using var app = await DeployAsync(server);
        var url = server.Server.Url;
        var key = server.Server.Identity.AdminKey;

        var set = await app.RunAsync(url, key, "env", "set", "GREETING", "hello from the cli");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("Successfully set GREETING", set.Stderr, StringComparison.Ordinal);
        var (_, listed) = await server.PostAsync("/api/function",
            """{"path":"_system/cli/queryEnvironmentVariables","args":{},"format":"json"}""", key);
        Assert.Equal("""[{"name":"GREETING","value":"hello from the cli"}]""", listed.GetProperty("value").GetRawText());

        var read = await app.RunAsync(url, key, "run", "env:read", """{"name":"GREETING"}""");
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Contains("\"hello from the cli\"", read.Stdout, StringComparison.Ordinal);

        var removed = await app.RunAsync(url, key, "env", "remove", "GREETING");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        var after = await app.RunAsync(url, key, "run", "env:read", """{"name":"GREETING"}""");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.DoesNotContain("hello from the cli", after.Stdout, StringComparison.Ordinal);

        var invalid = await app.RunAsync(url, key, "env", "set", "BAD-NAME", "x");
        Assert.True(invalid.ExitCode != 0, invalid.ToString());
        Assert.Contains("BAD-NAME is invalid", invalid.Stdout + invalid.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>env get</c>, <c>env list</c>, <c>data</c> and the failed-<c>run</c> suggestions run system
    /// queries over the WebSocket with admin auth (the CLI's <c>runSystemQuery</c>).
    /// </summary>
    [Fact]
    public async Task Env_get_and_list_and_data_read_through_system_queries()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        using var app = await DeployAsync(server);
        var url = server.Server.Url;
        var key = server.Server.Identity.AdminKey;
        var set = await app.RunAsync(url, key, "env", "set", "LISTED", "value one");
        Assert.True(set.ExitCode == 0, set.ToString());

        var get = await app.RunAsync(url, key, "env", "get", "LISTED");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("value one", get.Stdout.Trim());
        var missing = await app.RunAsync(url, key, "env", "get", "NOT_SET");
        Assert.Contains("Environment variable \"NOT_SET\" not found", missing.Stdout + missing.Stderr,
            StringComparison.Ordinal);
        var list = await app.RunAsync(url, key, "env", "list", "--include-values");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("LISTED=", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("value one", list.Stdout, StringComparison.Ordinal);

        await server.PostAsync("/api/mutation",
            """{"path":"messages:send","args":{"author":"cli","body":"shown by convex data","channel":"data"}}""");
        var tables = await app.RunAsync(url, key, "data");
        Assert.True(tables.ExitCode == 0, tables.ToString());
        Assert.Contains("messages", tables.Stdout.Split('\n').Select(l => l.Trim()));
        var rows = await app.RunAsync(url, key, "data", "messages");
        Assert.True(rows.ExitCode == 0, rows.ToString());
        Assert.Contains("shown by convex data", rows.Stdout, StringComparison.Ordinal);

        var unknown = await app.RunAsync(url, key, "run", "nope:fn");
        Assert.True(unknown.ExitCode != 0, unknown.ToString());
        Assert.Contains("messages:list", unknown.Stdout + unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_calls_a_mutation_and_a_query()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        using var app = await DeployAsync(server);
        var url = server.Server.Url;
        var key = server.Server.Identity.AdminKey;

        var sent = await app.RunAsync(url, key, "run", "messages:send",
            """{"author":"cli","body":"sent by convex run","channel":"run"}""");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Matches("\"[a-z0-9]{20,}\"", sent.Stdout); // the new document's id

        var listed = await app.RunAsync(url, key, "run", "messages:list", """{"channel":"run"}""");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("\"body\": \"sent by convex run\"", listed.Stdout, StringComparison.Ordinal);

        // Internal functions are callable with the admin key.
        var id = System.Text.RegularExpressions.Regex.Match(sent.Stdout, "\"([a-z0-9]{20,})\"").Groups[1].Value;
        var got = await app.RunAsync(url, key, "run", "messages:internalGet", $$"""{"id":"{{id}}"}""");
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Contains("sent by convex run", got.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_prints_the_console_lines_of_functions_called_over_http()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        using var app = await DeployAsync(server);
        using var logs = CliProcess.Start(app, server.Server.Url, server.Server.Identity.AdminKey, "logs");
        Assert.True(await logs.WaitForAsync("Watching logs", TimeSpan.FromSeconds(30)), logs.ToString());

        // The CLI drops what its first poll returns, so keep calling until a line shows up.
        var printed = await logs.WaitForAsync("log line", TimeSpan.FromSeconds(30), async () =>
        {
            var (_, ran) = await server.PostAsync("/api/query", """{"path":"messages:logs","args":{}}""");
            Assert.Equal("success", ran.GetProperty("status").GetString());
        });
        Assert.True(printed, logs.ToString());
        Assert.Contains("[CONVEX Q(messages:logs)] [LOG] log line", logs.Stdout, StringComparison.Ordinal);
        Assert.Contains("[CONVEX Q(messages:logs)] [WARN] warn line", logs.Stdout, StringComparison.Ordinal);
    }
}
