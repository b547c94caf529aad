using System.Net.Http.Headers;
using Convex.Sim.Runtime.Network;

namespace Convex.Sim.Runtime.Production;

/// <summary>
/// Real outgoing HTTP through one shared <see cref="HttpClient"/>. Responses are read whole, up to
/// <see cref="MaxResponseBytes"/>; redirects are followed; failures become
/// <see cref="FetchFailedException"/>s that name the URL.
/// </summary>
public sealed class SystemHttpFetcher : IHttpFetcher
{
    public const int MaxResponseBytes = 64 * 1024 * 1024;

    private static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = true })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    public async Task<HttpFetchResponse> FetchAsync(HttpFetchRequest request, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new FetchFailedException($"fetch failed: unsupported URL {request.Url} (only http and https)");
        }

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            using var response = await Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadBodyAsync(response, request.Url, cancellationToken);
            return new HttpFetchResponse((int)response.StatusCode, response.ReasonPhrase ?? "",
                Headers(response.Headers, response.Content.Headers), body, response.RequestMessage?.RequestUri?.ToString() ?? request.Url);
        }
        catch (HttpRequestException e)
        {
            throw new FetchFailedException($"fetch to {request.Url} failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FetchFailedException($"fetch to {request.Url} timed out");
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string url, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new FetchFailedException($"fetch to {url} failed: the response is larger than {MaxResponseBytes} bytes");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new FetchFailedException($"fetch to {url} failed: the response is larger than {MaxResponseBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static List<KeyValuePair<string, string>> Headers(HttpResponseHeaders headers, HttpContentHeaders content) =>
        [.. headers.Concat(content).SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), v)))];
}
