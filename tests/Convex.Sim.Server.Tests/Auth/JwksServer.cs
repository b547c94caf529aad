using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Convex.Sim.Server.Tests.Auth;

/// <summary>
/// An identity provider's key endpoints on 127.0.0.1 (Kestrel, ephemeral port): the documents a
/// test sets, served by path, with a count of requests per path so caching can be checked.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    private JwksServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>The issuer URL of an OIDC provider served here (no trailing slash).</summary>
    public string Issuer => Url.ToString().TrimEnd('/');

    public static async Task<JwksServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new JwksServer(builder.Build());
        server._app.Run(server.ServeAsync);
        await server._app.StartAsync(cancellationToken);
        var address = server._app.Urls.First();
        server.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Serves <paramref name="json"/> at <paramref name="path"/> (replacing what was there).</summary>
    public void Set(string path, string json) => _documents[path] = json;

    /// <summary>Serves an OpenID discovery document pointing at <c>/jwks.json</c>, and the keys there.</summary>
    public void ServeOidc(string jwks)
    {
        Set("/.well-known/openid-configuration", $$"""{"issuer":"{{Issuer}}","jwks_uri":"{{Issuer}}/jwks.json"}""");
        Set("/jwks.json", jwks);
    }

    public int Hits(string path) => _hits.TryGetValue(path, out var count) ? count : 0;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _hits.AddOrUpdate(path, 1, (_, count) => count + 1);
        if (!_documents.TryGetValue(path, out var json))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/jwk-set+json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }
}
