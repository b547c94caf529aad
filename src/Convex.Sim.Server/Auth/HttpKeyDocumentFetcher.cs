namespace Convex.Sim.Server.Auth;

/// <summary>
/// <see cref="IKeyDocumentFetcher"/> over HTTP. A provider that does not answer within the timeout
/// fails the sign-in rather than holding the request (or the sync session's receive loop) open.
/// </summary>
internal sealed class HttpKeyDocumentFetcher : IKeyDocumentFetcher, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const int DocumentBytesMax = 1024 * 1024;

    private readonly HttpClient _http = new() { Timeout = Timeout, MaxResponseContentBufferSize = DocumentBytesMax };

    public async Task<string> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidTokenException(
                    $"Could not fetch {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException
                                  && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidTokenException($"Could not fetch {url}: {e.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
