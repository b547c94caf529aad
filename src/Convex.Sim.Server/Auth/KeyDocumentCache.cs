using System.Text;
using System.Text.Json;
using Convex.Sim.Core;

namespace Convex.Sim.Server.Auth;

/// <summary>
/// Providers' keys and discovery documents, fetched on first use and kept for
/// <see cref="TimeToLive"/>. A token signed by a key the cached set lacks (the provider rotated its
/// keys) refetches the set, but at most once per <see cref="RefreshIntervalMin"/> per URL, so
/// tokens with made-up key ids cannot make the server hammer the provider. <c>data:</c> URLs
/// (a custom JWT provider's inline JWKS) are decoded, never fetched.
/// </summary>
internal sealed class KeyDocumentCache(IKeyDocumentFetcher fetcher, TimeProvider clock)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromHours(1);
    public static readonly TimeSpan RefreshIntervalMin = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry<IReadOnlyList<JsonWebKey>>> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry<string>> _jwksUris = new(StringComparer.Ordinal);

    /// <summary>
    /// The keys at <paramref name="jwksUrl"/>. With <paramref name="refresh"/> (the wanted key was
    /// not in the last answer), a set older than <see cref="RefreshIntervalMin"/> is fetched again.
    /// </summary>
    public async Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(
        string jwksUrl, bool refresh, CancellationToken cancellationToken)
    {
        if (jwksUrl.StartsWith("data:", StringComparison.Ordinal))
        {
            return JsonWebKey.ParseSet(DecodeDataUrl(jwksUrl), "the inline data: URL");
        }

        var now = clock.GetUtcNow();
        if (Cached(_keys, jwksUrl, now, refresh) is { } cached)
        {
            return cached;
        }

        var keys = JsonWebKey.ParseSet(await fetcher.FetchAsync(HttpUrl(jwksUrl), cancellationToken), jwksUrl);
        Store(_keys, jwksUrl, keys, now);
        return keys;
    }

    /// <summary>
    /// The <c>jwks_uri</c> of an OIDC issuer, from <c>&lt;issuer&gt;/.well-known/openid-configuration</c>
    /// (OpenID Connect Discovery 1.0 §4).
    /// </summary>
    public async Task<string> GetJwksUriAsync(string normalizedIssuer, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (Cached(_jwksUris, normalizedIssuer, now, refresh: false) is { } cached)
        {
            return cached;
        }

        var discovery = $"{normalizedIssuer}/.well-known/openid-configuration";
        var json = await fetcher.FetchAsync(HttpUrl(discovery), cancellationToken);
        string uri;
        try
        {
            using var document = JsonDocument.Parse(json);
            uri = document.RootElement.ValueKind == JsonValueKind.Object
                  && document.RootElement.TryGetProperty("jwks_uri", out var value)
                  && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new InvalidTokenException($"The OpenID configuration at {discovery} has no \"jwks_uri\"");
        }
        catch (JsonException e)
        {
            throw new InvalidTokenException($"The OpenID configuration at {discovery} is not JSON: {e.Message}");
        }

        Store(_jwksUris, normalizedIssuer, uri, now);
        return uri;
    }

    private T? Cached<T>(Dictionary<string, Entry<T>> cache, string url, DateTimeOffset now, bool refresh)
        where T : class
    {
        lock (_lock)
        {
            if (!cache.TryGetValue(url, out var entry))
            {
                return null;
            }

            var age = now - entry.Fetched;
            var stale = age >= TimeToLive || (refresh && age >= RefreshIntervalMin);
            return stale ? null : entry.Value;
        }
    }

    private void Store<T>(Dictionary<string, Entry<T>> cache, string url, T value, DateTimeOffset now)
    {
        lock (_lock)
        {
            cache[url] = new Entry<T>(value, now);
            Invariant.Assert(cache.ContainsKey(url));
        }
    }

    private static Uri HttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidTokenException($"\"{url}\" is not an http(s) URL to fetch keys from");

    /// <summary>A <c>data:</c> URL's body (RFC 2397): base64 when marked <c>;base64</c>, else percent-encoded.</summary>
    private static string DecodeDataUrl(string url)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            throw new InvalidTokenException("The JWKS data: URL has no ',' before its content");
        }

        var meta = url[5..comma];
        var content = url[(comma + 1)..];
        if (!meta.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.UnescapeDataString(content);
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(Uri.UnescapeDataString(content)));
        }
        catch (FormatException)
        {
            throw new InvalidTokenException("The JWKS data: URL's base64 content is invalid");
        }
    }

    private sealed record Entry<T>(T Value, DateTimeOffset Fetched);
}
