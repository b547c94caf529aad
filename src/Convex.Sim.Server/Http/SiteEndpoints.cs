using System.Collections.Frozen;
using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Server.Auth;
using Convex.Sim.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Server.Http;

/// <summary>
/// The site origin (default port 3211) and <c>/http/*</c> on the API origin: every request goes to
/// the deployment's HTTP actions (convex-compat §4.7). This layer turns the HTTP request into an
/// <see cref="HttpActionRequest"/> — the public URL from <c>Host</c> and <c>X-Forwarded-Proto</c>
/// (or <c>Forwarded: proto=</c>), the original path and query, the headers and the body (at most
/// 20 MiB; 413 beyond) — and writes back what the action answered. No CORS headers are added:
/// the app answers its own preflights.
/// </summary>
internal sealed class SiteEndpoints(
    FunctionRunner runner, DatabaseEngine database, SubscriptionManager subscriptions, RequestAuthenticator authenticator)
{
    private const string HttpPrefix = "/http";

    private static readonly FrozenSet<string> Methods =
        FrozenSet.Create(StringComparer.Ordinal, "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    // Set by Kestrel from the body it writes; an action's own value could contradict it.
    private static readonly FrozenSet<string> HopHeaders =
        FrozenSet.Create(
            StringComparer.OrdinalIgnoreCase, "content-length", "transfer-encoding", "connection", "keep-alive");

    /// <param name="onSiteOrigin">False for <c>/http/*</c> on the API origin (user code never sees the prefix).</param>
    public async Task HandleAsync(HttpContext context, bool onSiteOrigin)
    {
        var http = context.Request;
        var cancellationToken = context.RequestAborted;
        if (!Methods.Contains(http.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = string.Join(", ", Methods.Order(StringComparer.Ordinal));
            return;
        }

        byte[]? body = null;
        if (http.Method is not ("GET" or "HEAD" or "OPTIONS"))
        {
            body = await ReadBodyAsync(http, cancellationToken);
            if (body is null)
            {
                await WriteAsync(context, HttpActionResponse.RequestTooLarge(), cancellationToken);
                return;
            }
        }

        var (user, identityError) = await authenticator.HttpActionIdentityAsync(http, cancellationToken);
        var request = new HttpActionRequest(http.Method, PublicUrl(context, onSiteOrigin), Headers(http), body)
        {
            Identity = user,
            IdentityError = identityError,
        };
        var before = database.LatestTs;
        var response = await runner.RunHttpActionAsync(request, cancellationToken);
        if (database.LatestTs != before)
        {
            // Subscribed queries see the action's mutations before the caller gets its answer.
            await subscriptions.NotifyCommitAsync(database.LatestTs);
        }

        await WriteAsync(context, response, cancellationToken);
    }

    /// <summary>The URL user code sees: <c>scheme://host/original/path?query</c>.</summary>
    private static string PublicUrl(HttpContext context, bool onSiteOrigin)
    {
        var http = context.Request;
        var scheme = http.Headers["X-Forwarded-Proto"].FirstOrDefault() is { Length: > 0 } forwarded
            ? forwarded.Split(',')[0].Trim()
            : ForwardedProto(http.Headers["Forwarded"].FirstOrDefault()) ?? "http";
        var host = http.Host.HasValue ? http.Host.Value : $"127.0.0.1:{context.Connection.LocalPort}";
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : http.Path.ToUriComponent() + http.QueryString.ToUriComponent();
        if (!onSiteOrigin)
        {
            Invariant.Assert(http.Path.StartsWithSegments(HttpPrefix, StringComparison.Ordinal));
            // The raw target may spell the prefix with escapes; the decoded path always has it.
            target = target.StartsWith(HttpPrefix, StringComparison.Ordinal)
                ? target[HttpPrefix.Length..]
                : http.Path.Value![HttpPrefix.Length..] + http.QueryString.ToUriComponent();
            target = target.Length == 0 || target[0] != '/' ? "/" + target : target;
        }

        return $"{scheme.ToLowerInvariant()}://{host}{target}";
    }

    /// <summary>The <c>proto</c> of the first element of a <c>Forwarded</c> header (RFC 7239), if any.</summary>
    private static string? ForwardedProto(string? forwarded)
    {
        if (string.IsNullOrEmpty(forwarded))
        {
            return null;
        }

        foreach (var pair in forwarded.Split(',')[0].Split(';'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair[..equals].Trim().Equals("proto", StringComparison.OrdinalIgnoreCase))
            {
                return pair[(equals + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }

    private static List<KeyValuePair<string, string>> Headers(HttpRequest http)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in http.Headers)
        {
            if (name.StartsWith(':'))
            {
                continue; // HTTP/2 pseudo-headers
            }

            foreach (var value in values)
            {
                headers.Add(new(name, value ?? ""));
            }
        }

        return headers;
    }

    /// <summary>The whole body, or null when it is over the limit (stops reading there).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        const int Max = HttpActionRequest.BodySizeBytesMax;
        if (http.ContentLength > Max)
        {
            return null;
        }

        using var buffer = new MemoryStream(http.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > Max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task WriteAsync(
        HttpContext context, HttpActionResponse answer, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        if (answer.StatusText.Length > 0 && context.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = answer.StatusText;
        }

        foreach (var (name, value) in answer.Headers)
        {
            if (!HopHeaders.Contains(name))
            {
                response.Headers.Append(name, value);
            }
        }

        if (context.Request.Method != "HEAD" && answer.Body.Length > 0)
        {
            await response.Body.WriteAsync(answer.Body, cancellationToken);
        }
    }
}
