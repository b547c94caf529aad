namespace Convex.Sim.Server.Auth;

/// <summary>
/// Fetches the JSON documents token validation needs (OpenID discovery documents, JWK Sets) from
/// an http(s) URL. A seam so tests can count fetches; production uses <see cref="HttpKeyDocumentFetcher"/>.
/// </summary>
internal interface IKeyDocumentFetcher
{
    /// <summary>The body of a successful GET; any failure is an <see cref="InvalidTokenException"/>.</summary>
    Task<string> FetchAsync(Uri url, CancellationToken cancellationToken);
}
