using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Convex.Sim.Server.Tests;

/// <summary>HTTP actions on the site origin and under <c>/http/</c> (convex-compat §4.7), over Kestrel and HttpClient.</summary>
public sealed class HttpActionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private HttpClient Site() => new() { BaseAddress = Server.Server.SiteUrl };

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestServer.Ct));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task A_GET_route_answers_on_the_site_origin_without_CORS_headers()
    {
        using var site = Site();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("Origin", "https://app.test");
        using var response = await site.SendAsync(request, TestServer.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync(TestServer.Ct));
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_POST_JSON_route_sets_status_and_headers()
    {
        using var site = Site();
        using var content = new StringContent("""{"n":1}""", Encoding.UTF8, "application/json");
        using var response = await site.PostAsync("/json", content, TestServer.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Made", response.ReasonPhrase);
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("x-custom")));
        var json = await JsonOf(response);
        Assert.Equal(1, json.GetProperty("received").GetProperty("n").GetDouble());
        Assert.Equal("application/json; charset=utf-8", json.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task Prefix_routes_and_the_http_prefix_on_the_API_origin_reach_the_router()
    {
        using var site = Site();
        using var body = new StringContent("abc");
        using var prefixed = await site.PostAsync("/echo/upper/a?x=1", body, TestServer.Ct);
        Assert.Equal("ABC", await prefixed.Content.ReadAsStringAsync(TestServer.Ct));
        using var viaApi = await Server.Http.GetAsync("/http/request?q=z", TestServer.Ct);
        Assert.Equal(HttpStatusCode.OK, viaApi.StatusCode);
        var json = await JsonOf(viaApi);
        Assert.Equal($"{Server.Server.Url.ToString().TrimEnd('/')}/request?q=z", json.GetProperty("url").GetString());
        Assert.Equal("/request", json.GetProperty("pathname").GetString());
    }

    [Fact]
    public async Task The_public_url_follows_Host_and_X_Forwarded_Proto()
    {
        using var site = Site();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/request?q=a%20b");
        request.Headers.Host = "my-app.example.com";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Test", "t");
        using var response = await site.SendAsync(request, TestServer.Ct);
        var json = await JsonOf(response);
        Assert.Equal("https://my-app.example.com/request?q=a%20b", json.GetProperty("url").GetString());
        Assert.Equal("t", json.GetProperty("test").GetString());
        Assert.Equal("a b", json.GetProperty("q").GetString());
    }

    [Fact]
    public async Task Unrouted_paths_are_404_text_and_HEAD_has_no_body()
    {
        using var site = Site();
        using var missing = await site.GetAsync("/nothing/here", TestServer.Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("No matching routes found", await missing.Content.ReadAsStringAsync(TestServer.Ct));
        using var head = await site.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/hello"), TestServer.Ct);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(TestServer.Ct));
        using var propfind = new HttpRequestMessage(new HttpMethod("PROPFIND"), "/hello");
        using var refused = await site.SendAsync(propfind, TestServer.Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
    }

    [Fact]
    public async Task Apps_answer_their_own_OPTIONS_preflight()
    {
        using var site = Site();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/hello");
        request.Headers.Add("Origin", "https://app.test");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await site.SendAsync(request, TestServer.Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("access-control-allow-origin")));
    }

    [Fact]
    public async Task A_throw_is_a_500_JSON_error_with_ConvexError_data()
    {
        using var site = Site();
        using var thrown = await site.GetAsync("/throw", TestServer.Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, thrown.StatusCode);
        Assert.Equal("application/json", thrown.Content.Headers.ContentType!.MediaType);
        var error = await JsonOf(thrown);
        Assert.EndsWith("Server Error: Uncaught Error: boom", error.GetProperty("code").GetString());
        Assert.Equal("Uncaught Error: boom", error.GetProperty("trace").GetString());
        using var convexError = await site.GetAsync("/convexError", TestServer.Ct);
        var data = (await JsonOf(convexError)).GetProperty("data");
        Assert.Equal("TEAPOT", data.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_mutation_run_by_an_HTTP_action_is_visible_through_the_query_API()
    {
        using var site = Site();
        using var content = new StringContent("""{"author":"bo","body":"from http","channel":"http-e2e"}""",
            Encoding.UTF8, "application/json");
        using var posted = await site.PostAsync("/messages", content, TestServer.Ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var id = (await JsonOf(posted)).GetProperty("id").GetString();
        var (status, result) = await Server.PostAsync("/api/query",
            """{"path":"messages:list","args":{"channel":"http-e2e"},"format":"json"}""");
        Assert.Equal(200, status);
        var message = Assert.Single(result.GetProperty("value").EnumerateArray());
        Assert.Equal(id, message.GetProperty("_id").GetString());
        Assert.Equal("from http", message.GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_body_over_20_MiB_is_refused_with_413()
    {
        using var site = Site();
        using var content = new ByteArrayContent(new byte[(20 << 20) + 1]);
        using var response = await site.PostAsync("/bytes", content, TestServer.Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("HttpRequestTooLarge", (await JsonOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_bad_Bearer_token_does_not_block_the_request_but_getUserIdentity_says_why()
    {
        using var site = Site();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/identity");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-jwt");
        using var response = await site.SendAsync(request, TestServer.Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Could not decode token", (await JsonOf(response)).GetProperty("error").GetString());
    }
}
