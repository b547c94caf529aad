using System.Text;
using System.Text.Json;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using static Convex.Sim.Functions.Tests.Corpus.TestBackend;

namespace Convex.Sim.Functions.Tests.Execution;

/// <summary>HTTP actions routed by the corpus's <c>http.ts</c> router (convex-compat §4.7).</summary>
public sealed class HttpActionTests
{
    private const string Site = "https://example.test:8443";

    private static HttpActionRequest Get(string path, params (string Name, string Value)[] headers) =>
        new("GET", Site + path, [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))], null);

    private static HttpActionRequest Post(string path, string body, string contentType = "text/plain") =>
        Post(path, Encoding.UTF8.GetBytes(body), contentType);

    private static HttpActionRequest Post(string path, byte[] body, string contentType) =>
        new("POST", Site + path, [new("content-type", contentType)], body);

    private static string Text(HttpActionResponse response) => Encoding.UTF8.GetString(response.Body);

    private static JsonElement Json(HttpActionResponse response) => JsonDocument.Parse(response.Body).RootElement;

    private static string? Header(HttpActionResponse response, string name) =>
        response.Headers.Where(h => h.Key == name).Select(h => h.Value).FirstOrDefault();

    [Fact]
    public async Task An_exact_route_answers_with_its_Response()
    {
        var backend = await StartAsync();
        var response = await backend.Runner.RunHttpActionAsync(Get("/hello"), Ct);
        Assert.Equal(200, response.Status);
        Assert.Equal("hello", Text(response));
        Assert.Equal("text/plain;charset=UTF-8", Header(response, "content-type"));
        Assert.Equal("GET /hello", response.Route);
        Assert.Null(response.ErrorMessage);
    }

    [Fact]
    public async Task Prefix_routes_match_the_longest_prefix()
    {
        var backend = await StartAsync();
        var plain = await backend.Runner.RunHttpActionAsync(Post("/echo/a/b", "hi there"), Ct);
        var upper = await backend.Runner.RunHttpActionAsync(Post("/echo/upper/x", "hi there"), Ct);
        Assert.Equal(("hi there", "POST /echo/*"), (Text(plain), plain.Route));
        Assert.Equal(("HI THERE", "POST /echo/upper/*"), (Text(upper), upper.Route));
    }

    [Fact]
    public async Task No_matching_route_is_a_404_with_Convex_text()
    {
        var backend = await StartAsync();
        var wrongPath = await backend.Runner.RunHttpActionAsync(Get("/nope"), Ct);
        var wrongMethod = await backend.Runner.RunHttpActionAsync(Post("/hello", "x"), Ct);
        var prefixWithoutSlash = await backend.Runner.RunHttpActionAsync(Post("/echo", "x"), Ct);
        foreach (var response in new[] { wrongPath, wrongMethod, prefixWithoutSlash })
        {
            Assert.Equal(404, response.Status);
            Assert.Equal("No matching routes found", Text(response));
            Assert.Null(response.Route);
        }
    }

    [Fact]
    public async Task The_handler_sees_the_public_url_method_headers_and_no_body_on_GET()
    {
        var backend = await StartAsync();
        var response = await backend.Runner.RunHttpActionAsync(Get("/request?q=a%20b", ("X-Test", "t1")), Ct);
        Assert.Equal(200, response.Status);
        var json = Json(response);
        Assert.Equal(Site + "/request?q=a%20b", json.GetProperty("url").GetString());
        Assert.Equal("GET", json.GetProperty("method").GetString());
        Assert.Equal("/request", json.GetProperty("pathname").GetString());
        Assert.Equal("a b", json.GetProperty("q").GetString());
        Assert.Equal("t1", json.GetProperty("test").GetString());
        Assert.True(json.GetProperty("isRequest").GetBoolean());
        Assert.False(json.GetProperty("bodyUsed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("body").ValueKind);
        Assert.False(json.GetProperty("aborted").GetBoolean());
        Assert.Equal("", json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_JSON_body_status_status_text_and_headers_round_trip()
    {
        var backend = await StartAsync();
        var request = Post("/json", """{"a":[1,"x"]}""", "application/json");
        var response = await backend.Runner.RunHttpActionAsync(request, Ct);
        Assert.Equal(201, response.Status);
        Assert.Equal("Made", response.StatusText);
        Assert.Equal("yes", Header(response, "x-custom"));
        Assert.Equal("application/json", Header(response, "content-type"));
        Assert.Equal("""{"received":{"a":[1,"x"]},"contentType":"application/json"}""", Text(response));
    }

    [Fact]
    public async Task Binary_bodies_pass_through_unchanged()
    {
        var backend = await StartAsync();
        byte[] body = [0, 1, 2, 255, 254, 0x80];
        var response = await backend.Runner.RunHttpActionAsync(Post("/bytes", body, "application/octet-stream"), Ct);
        Assert.Equal(200, response.Status);
        Assert.Equal(body.Reverse().ToArray(), response.Body);
        Assert.Equal("6", Header(response, "x-length"));
    }

    [Fact]
    public async Task A_null_body_204_and_HEAD_answer_without_a_body()
    {
        var backend = await StartAsync();
        var empty = await backend.Runner.RunHttpActionAsync(Get("/empty"), Ct);
        Assert.Equal((204, 0), (empty.Status, empty.Body.Length));
        var head = await backend.Runner.RunHttpActionAsync(Get("/hello") with { Method = "HEAD" }, Ct);
        Assert.Equal((200, 0, "GET /hello"), (head.Status, head.Body.Length, head.Route));
    }

    [Fact]
    public async Task A_throw_is_a_500_with_code_and_trace()
    {
        var backend = await StartAsync();
        var response = await backend.Runner.RunHttpActionAsync(Get("/throw"), Ct);
        Assert.Equal(500, response.Status);
        Assert.Equal("application/json", Header(response, "content-type"));
        var json = Json(response);
        Assert.Matches(@"^\[Request ID: [0-9a-f]{16}\] Server Error: Uncaught Error: boom$",
            json.GetProperty("code").GetString());
        Assert.Equal("Uncaught Error: boom", json.GetProperty("trace").GetString());
        Assert.False(json.TryGetProperty("data", out _));
        Assert.Equal("Uncaught Error: boom", response.ErrorMessage);
        Assert.Equal("GET /throw", response.Route);
    }

    [Fact]
    public async Task A_ConvexError_puts_its_data_in_the_500()
    {
        var backend = await StartAsync();
        var response = await backend.Runner.RunHttpActionAsync(Get("/convexError"), Ct);
        Assert.Equal(500, response.Status);
        var data = Json(response).GetProperty("data");
        Assert.Equal("TEAPOT", data.GetProperty("code").GetString());
        Assert.Equal(418, data.GetProperty("n").GetDouble());
    }

    [Fact]
    public async Task Returning_something_other_than_a_Response_is_a_500()
    {
        var backend = await StartAsync();
        var response = await backend.Runner.RunHttpActionAsync(Get("/notResponse"), Ct);
        Assert.Equal(500, response.Status);
        Assert.Equal("Uncaught TypeError: HTTP actions must return a Response",
            Json(response).GetProperty("trace").GetString());
    }

    [Fact]
    public async Task An_HTTP_action_runs_mutations_and_queries_and_logs()
    {
        var backend = await StartAsync();
        var body = """{"author":"ann","body":"via http","channel":"http-fn"}""";
        var response = await backend.Runner.RunHttpActionAsync(Post("/messages", body, "application/json"), Ct);
        Assert.Equal(200, response.Status);
        var json = Json(response);
        Assert.Equal(1, json.GetProperty("count").GetProperty("count").GetDouble());
        Assert.StartsWith("[LOG] inserted ", Assert.Single(response.LogLines));
        var listed = await backend.QueryAsync("messages:count", Obj(("channel", S("http-fn"))));
        Assert.Equal(1, ((ConvexFloat64)((ConvexObject)listed.Value!)["count"]!).Value);
    }

    [Fact]
    public async Task A_body_over_20_MiB_is_refused_with_413_before_running()
    {
        var backend = await StartAsync();
        var big = new byte[HttpActionRequest.BodySizeBytesMax + 1];
        var refused = await backend.Runner.RunHttpActionAsync(Post("/bytes", big, "application/octet-stream"), Ct);
        Assert.Equal(413, refused.Status);
        Assert.Equal("HttpRequestTooLarge", Json(refused).GetProperty("code").GetString());
        Assert.Null(refused.Route);
        var atLimit = await backend.Runner.RunHttpActionAsync(
            Post("/bytes", new byte[HttpActionRequest.BodySizeBytesMax], "application/octet-stream"), Ct);
        Assert.Equal(200, atLimit.Status);
        Assert.Equal(HttpActionRequest.BodySizeBytesMax, atLimit.Body.Length);
    }

    [Fact]
    public async Task A_Bearer_token_runs_the_request_but_identity_says_why_it_is_unknown()
    {
        var backend = await StartAsync();
        var anonymous = await backend.Runner.RunHttpActionAsync(Get("/identity"), Ct);
        Assert.Equal("""{"identity":null}""", Text(anonymous));
        var unverified = Get("/identity") with { IdentityError = "tokens are not checked" };
        var bearer = await backend.Runner.RunHttpActionAsync(unverified, Ct);
        Assert.Equal(401, bearer.Status);
        Assert.Equal("tokens are not checked", Json(bearer).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Streams_Blob_and_FormData_say_they_are_not_supported_yet()
    {
        var backend = await StartAsync();
        var response = await backend.Runner.RunHttpActionAsync(Get("/unsupported"), Ct);
        var errors = Json(response).EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.EndsWith("is not supported yet by Convex.Sim", e));
    }

    [Fact]
    public async Task A_deployment_without_http_js_answers_404()
    {
        var backend = await StartAsync();
        backend.Runner.Deploy(Convex.Sim.Functions.Deployment.ActiveDeployment.Empty);
        var response = await backend.Runner.RunHttpActionAsync(Get("/hello"), Ct);
        Assert.Equal(404, response.Status);
        Assert.Equal(HttpActionResponse.NoRouterMessage, Text(response));
    }

    [Fact]
    public async Task Executions_are_reported_to_the_observer_under_their_route()
    {
        var backend = await StartAsync();
        var observer = new Recorder();
        backend.Runner.Observer = observer;
        await backend.Runner.RunHttpActionAsync(Get("/throw"), Ct);
        await backend.Runner.RunHttpActionAsync(Get("/nope"), Ct);
        Assert.Equal(["GET /throw", "GET /nope"], observer.Executions.Select(e => e.Identifier));
        Assert.Equal("Uncaught Error: boom", observer.Executions[0].Error);
        Assert.Null(observer.Executions[1].Error);
    }

    [Fact]
    public async Task Under_deterministic_limits_the_same_seed_gives_the_same_answer()
    {
        var first = await StartAsync(FunctionRunnerOptions.Deterministic);
        var second = await StartAsync(FunctionRunnerOptions.Deterministic);
        var a = await first.Runner.RunHttpActionAsync(Get("/throw"), Ct);
        var b = await second.Runner.RunHttpActionAsync(Get("/throw"), Ct);
        Assert.Equal(500, a.Status);
        Assert.Equal(Text(a), Text(b)); // the request id comes from the seeded runtime
        var hello = await first.Runner.RunHttpActionAsync(Get("/hello"), Ct);
        Assert.Equal("hello", Text(hello));
    }

    private sealed class Recorder : IFunctionExecutionObserver
    {
        public List<FunctionExecution> Executions { get; } = [];

        public void OnExecuted(FunctionExecution execution)
        {
            lock (Executions)
            {
                Executions.Add(execution);
            }
        }
    }
}
