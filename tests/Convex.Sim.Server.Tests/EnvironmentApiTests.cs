using System.Text.Json;

namespace Convex.Sim.Server.Tests;

/// <summary>
/// Environment variables over HTTP (convex-compat §6.9.3, §7.13): <c>update_environment_variables</c>
/// and the <c>_system/cli/queryEnvironmentVariables</c> queries, their validation (400 with Convex's
/// codes, nothing applied), admin-only access (403), and durability across a restart.
/// </summary>
public sealed class EnvironmentApiTests
{
    private const string List = """{"path":"_system/cli/queryEnvironmentVariables","args":{},"format":"json"}""";

    private static string Update(string changes) => $$"""{"changes":{{changes}}}""";

    private static async Task<JsonElement> ListAsync(TestServer server)
    {
        var (status, body) = await server.PostAsync("/api/function", List, server.Server.Identity.AdminKey);
        Assert.True(status == 200 && body.GetProperty("status").GetString() == "success", body.ToString());
        return body.GetProperty("value");
    }

    [Fact]
    public async Task Set_list_get_remove_and_restart()
    {
        string dataDirectory;
        await using (var server = await TestServer.StartAsync())
        {
            dataDirectory = server.DataDirectory;
            var key = server.Server.Identity.AdminKey;
            var (status, _) = await server.PostAsync("/api/update_environment_variables",
                Update("""[{"name":"ZED","value":"z"},{"name":"GREETING","value":"hello world"}]"""), key);
            Assert.Equal(200, status);

            var listed = await ListAsync(server);
            Assert.Equal("""[{"name":"GREETING","value":"hello world"},{"name":"ZED","value":"z"}]""",
                listed.GetRawText());
            var (_, got) = await server.PostAsync("/api/query",
                """{"path":"_system/cli/queryEnvironmentVariables:get","args":{"name":"GREETING"},"format":"json"}""",
                key);
            Assert.Equal("hello world", got.GetProperty("value").GetProperty("value").GetString());
            var (_, url) = await server.PostAsync("/api/function",
                """{"path":"_system/cli/convexUrl:cloudUrl","args":{},"format":"json"}""", key);
            Assert.Equal(server.Server.Url.ToString().TrimEnd('/'), url.GetProperty("value").GetString());

            (status, _) = await server.PostAsync("/api/update_environment_variables",
                Update("""[{"name":"ZED","value":null}]"""), key);
            Assert.Equal(200, status);
            Assert.Equal(1, (await ListAsync(server)).GetArrayLength());
            await server.StopAsync();

            await using var restarted = await TestServer.StartAsync(dataDirectory, deploy: false);
            Assert.Equal("""[{"name":"GREETING","value":"hello world"}]""", (await ListAsync(restarted)).GetRawText());
        }
    }

    [Theory]
    [InlineData("""[{"name":"1BAD","value":"v"}]""", "EnvironmentVariableNameInvalid")]
    [InlineData("""[{"name":"HAS SPACE","value":"v"}]""", "EnvironmentVariableNameInvalid")]
    [InlineData("""[{"name":"CONVEX_CLOUD_URL","value":"v"}]""", "EnvVarNameForbidden")]
    [InlineData("""[{"name":"OK","value":"v"},{"name":"bad-name","value":"v"}]""", "EnvironmentVariableNameInvalid")]
    [InlineData("""[{"name":"OK","value":7}]""", "BadJsonBody")]
    [InlineData("""{"name":"OK"}""", "BadJsonBody")]
    public async Task Invalid_changes_are_400_and_change_nothing(string changes, string code)
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var (status, body) = await server.PostAsync("/api/update_environment_variables", Update(changes),
            server.Server.Identity.AdminKey);
        Assert.Equal(400, status);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(0, (await ListAsync(server)).GetArrayLength()); // not even the valid "OK"
    }

    [Fact]
    public async Task Too_long_names_and_too_large_values_are_400()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var key = server.Server.Identity.AdminKey;
        var longName = new string('N', 257);
        var (status, body) = await server.PostAsync("/api/update_environment_variables",
            Update($$"""[{"name":"{{longName}}","value":"v"}]"""), key);
        Assert.Equal((400, "EnvironmentVariableNameTooLong"), (status, body.GetProperty("code").GetString()));

        var bigValue = new string('v', 8 * 1024 + 1);
        (status, body) = await server.PostAsync("/api/update_environment_variables",
            Update($$"""[{"name":"BIG","value":"{{bigValue}}"}]"""), key);
        Assert.Equal((400, "EnvironmentVariableValueTooLarge"), (status, body.GetProperty("code").GetString()));
        Assert.Contains("8193 bytes", body.GetProperty("message").GetString(), StringComparison.Ordinal);

        (status, _) = await server.PostAsync("/api/update_environment_variables",
            Update($$"""[{"name":"BIG","value":"{{bigValue[1..]}}"}]"""), key);
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Only_admins_may_read_or_change_variables()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var change = Update("""[{"name":"SECRET","value":"s"}]""");
        var (status, body) = await server.PostAsync("/api/update_environment_variables", change);
        Assert.Equal((403, "BadDeployKey"), (status, body.GetProperty("code").GetString()));
        (status, _) = await server.PostAsync("/api/update_environment_variables", change, "convex-sim|wrong");
        Assert.Equal(403, status);

        await server.PostAsync("/api/update_environment_variables", change, server.Server.Identity.AdminKey);
        (status, body) = await server.PostAsync("/api/query", List);
        Assert.Equal(403, status);
        Assert.DoesNotContain("\"s\"", body.GetRawText(), StringComparison.Ordinal);
        (status, _) = await server.PostAsync("/api/function", List);
        Assert.Equal(403, status);
    }
}
