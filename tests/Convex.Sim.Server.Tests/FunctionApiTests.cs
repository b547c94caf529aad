using System.Net;
using System.Text.Json;

namespace Convex.Sim.Server.Tests;

/// <summary>The HTTP function API (convex-compat §4.1, §4.2) over real Kestrel and HttpClient.</summary>
public sealed class FunctionApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private string AdminKey => Server.Server.Identity.AdminKey;

    private const string Encoded = "convex_encoded_json";

    [Fact]
    public async Task Mutation_then_query_round_trips_in_both_formats()
    {
        var (status, sent) = await Server.PostAsync("/api/mutation",
            """{"path":"messages:send","args":{"author":"ann","body":"hello","channel":"both"},"format":"convex_encoded_json"}""");
        Assert.Equal(200, status);
        Assert.Equal("success", sent.GetProperty("status").GetString());
        var id = sent.GetProperty("value").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(JsonValueKind.Array, sent.GetProperty("logLines").ValueKind);

        // The npm client's shape: positional array args, Convex JSON.
        var (_, encoded) = await Server.PostAsync("/api/query",
            """{"path":"messages:list","args":[{"channel":"both"}],"format":"convex_encoded_json"}""");
        Assert.Equal("success", encoded.GetProperty("status").GetString());
        var message = Assert.Single(encoded.GetProperty("value").EnumerateArray());
        Assert.Equal(id, message.GetProperty("_id").GetString());
        Assert.Equal("hello", message.GetProperty("body").GetString());

        var (_, clean) = await Server.PostAsync("/api/query",
            """{"path":"messages:list","args":{"channel":"both"},"format":"json"}""");
        var cleanMessage = Assert.Single(clean.GetProperty("value").EnumerateArray());
        Assert.Equal(id, cleanMessage.GetProperty("_id").GetString());
        Assert.Equal(JsonValueKind.Number, cleanMessage.GetProperty("_creationTime").ValueKind);
    }

    [Fact]
    public async Task Int64_values_differ_between_the_formats()
    {
        var (_, encoded) = await Server.PostAsync("/api/mutation",
            """{"path":"messages:increment","args":{"name":"formats"},"format":"convex_encoded_json"}""");
        Assert.Equal(JsonValueKind.Object, encoded.GetProperty("value").ValueKind);
        Assert.True(encoded.GetProperty("value").TryGetProperty("$integer", out _));

        var (_, clean) = await Server.PostAsync("/api/mutation",
            """{"path":"messages:increment","args":{"name":"formats"},"format":"json"}""");
        Assert.Equal("2", clean.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Get_query_takes_the_call_from_the_query_string()
    {
        await Server.PostAsync("/api/mutation",
            """{"path":"messages:send","args":{"author":"bob","body":"via get","channel":"get"}}""");
        var args = Uri.EscapeDataString("""{"channel":"get"}""");
        var (status, body) = await Server.GetAsync($"/api/query?path=messages:list&args={args}&format=json");
        Assert.Equal(200, status);
        var message = Assert.Single(body.GetProperty("value").EnumerateArray());
        Assert.Equal("via get", message.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Convex_error_carries_its_data()
    {
        var (status, body) = await Server.PostAsync("/api/query",
            """{"path":"messages:throwsConvexError","args":{},"format":"convex_encoded_json"}""");
        Assert.Equal(200, status);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.StartsWith("Uncaught ConvexError", body.GetProperty("errorMessage").GetString(),
            StringComparison.Ordinal);
        var data = body.GetProperty("errorData");
        Assert.Equal("NOPE", data.GetProperty("code").GetString());
        Assert.True(data.GetProperty("n").TryGetProperty("$integer", out _));
    }

    [Fact]
    public async Task Unknown_function_is_a_function_error()
    {
        var (status, body) = await Server.PostAsync("/api/query", """{"path":"messages:nope","args":{}}""");
        Assert.Equal(200, status);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Contains("Could not find public function", body.GetProperty("errorMessage").GetString(),
            StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("errorData", out _));
    }

    [Fact]
    public async Task Invalid_arguments_are_an_argument_validation_error()
    {
        var (status, body) = await Server.PostAsync("/api/mutation", """{"path":"messages:send","args":{"author":1}}""");
        Assert.Equal(200, status);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.StartsWith("ArgumentValidationError", body.GetProperty("errorMessage").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_envelope()
    {
        var (status, body) = await Server.PostAsync("/api/query", """{"path":"messages:list",""");
        Assert.Equal(400, status);
        Assert.Equal("BadJsonBody", body.GetProperty("code").GetString());
        Assert.Equal(2, body.EnumerateObject().Count());
    }

    [Fact]
    public async Task Unknown_format_is_a_400_envelope()
    {
        var (status, body) = await Server.PostAsync("/api/query", """{"path":"messages:listAll","args":{},"format":"xml"}""");
        Assert.Equal(400, status);
        Assert.Equal("InvalidFormat", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Internal_functions_need_the_admin_key()
    {
        const string Call = """{"path":"messages:internalSend","args":{"author":"a","body":"secret","channel":"internal"},"format":"json"}""";
        var (_, hidden) = await Server.PostAsync("/api/mutation", Call);
        Assert.Equal("error", hidden.GetProperty("status").GetString());
        Assert.Contains("Could not find public function", hidden.GetProperty("errorMessage").GetString(),
            StringComparison.Ordinal);

        var (refusedStatus, refused) = await Server.PostAsync("/api/function", Call);
        Assert.Equal(403, refusedStatus);
        Assert.Equal("BadDeployKey", refused.GetProperty("code").GetString());

        var (status, allowed) = await Server.PostAsync("/api/function", Call, AdminKey);
        Assert.Equal(200, status);
        Assert.Equal("success", allowed.GetProperty("status").GetString());
        var (_, listed) = await Server.PostAsync("/api/function",
            """{"path":"messages:list","args":{"channel":"internal"},"format":"json"}""", AdminKey);
        var message = Assert.Single(listed.GetProperty("value").EnumerateArray());
        Assert.Equal("secret", message.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Wrong_admin_key_is_403_bad_deploy_key()
    {
        var (status, body) = await Server.PostAsync("/api/query", """{"path":"messages:listAll","args":{}}""",
            "convex-sim|0000000000000000000000000000000000000000000000000000000000000000");
        Assert.Equal(403, status);
        Assert.Equal("BadDeployKey", body.GetProperty("code").GetString());
        Assert.Contains("convex-sim", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_endpoint_joins_the_path_segments()
    {
        await Server.PostAsync("/api/mutation",
            """{"path":"messages:send","args":{"author":"c","body":"by url","channel":"run"}}""");
        var (status, body) = await Server.PostAsync("/api/run/messages/list", """{"args":{"channel":"run"}}""");
        Assert.Equal(200, status);
        Assert.Equal("success", body.GetProperty("status").GetString());
        var message = Assert.Single(body.GetProperty("value").EnumerateArray());
        Assert.Equal("by url", message.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Query_ts_is_the_latest_timestamp_as_base64()
    {
        var (status, body) = await Server.PostAsync("/api/query_ts", "");
        Assert.Equal(200, status);
        var bytes = Convert.FromBase64String(body.GetProperty("ts").GetString()!);
        Assert.Equal(8, bytes.Length);
        Assert.Equal(Server.Server.Database.LatestTs.Value, BitConverter.ToUInt64(bytes));
    }

    [Fact]
    public async Task Cors_preflight_mirrors_origin_and_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/query");
        request.Headers.Add("Origin", "http://localhost:5173");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,convex-client");
        using var response = await Server.Http.SendAsync(request, TestServer.Ct);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("http://localhost:5173", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("content-type", Header(response, "Access-Control-Allow-Headers"), StringComparison.Ordinal);
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);

        using var actual = new HttpRequestMessage(HttpMethod.Post, "/api/query_ts");
        actual.Headers.Add("Origin", "http://localhost:5173");
        using var actualResponse = await Server.Http.SendAsync(actual, TestServer.Ct);
        Assert.Equal("http://localhost:5173", Header(actualResponse, "Access-Control-Allow-Origin"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.GetValues(name));

    [Fact]
    public async Task Health_and_meta_routes_answer()
    {
        using var version = await Server.Http.GetAsync("/version", TestServer.Ct);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await version.Content.ReadAsStringAsync(TestServer.Ct)));
        Assert.Equal("convex-sim", await Server.Http.GetStringAsync("/instance_name", TestServer.Ct));
        Assert.Contains("Convex", await Server.Http.GetStringAsync("/", TestServer.Ct), StringComparison.Ordinal);

        var (status, missing) = await Server.GetAsync("/api/nothing_here");
        Assert.Equal(404, status);
        Assert.Equal("NotFound", missing.GetProperty("code").GetString());
    }
}
