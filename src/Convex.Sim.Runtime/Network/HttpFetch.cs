using Convex.Sim.Core;

namespace Convex.Sim.Runtime.Network;

/// <summary>An outgoing HTTP request (an action's <c>fetch</c>). Header names keep their order.</summary>
public sealed record HttpFetchRequest(string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body);

/// <summary>The response to an <see cref="HttpFetchRequest"/>, with its whole body.</summary>
public sealed record HttpFetchResponse(
    int Status, string StatusText, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string Url);

/// <summary>
/// The network seam for outgoing HTTP. Production sends real requests; the simulator answers
/// from its simulated network (until it has one, the <see cref="NoNetwork"/> default refuses).
/// Failures that a caller can act on (refused connection, bad URL, too large) are
/// <see cref="FetchFailedException"/>s.
/// </summary>
public interface IHttpFetcher
{
    Task<HttpFetchResponse> FetchAsync(HttpFetchRequest request, CancellationToken cancellationToken);
}

/// <summary>A request could not be completed: the message says why.</summary>
public sealed class FetchFailedException(string message) : ConvexException("FetchFailed", message);

/// <summary>The fetcher of a runtime without a network: every request fails with a clear error.</summary>
public sealed class NoNetwork : IHttpFetcher
{
    public static readonly NoNetwork Instance = new();

    public Task<HttpFetchResponse> FetchAsync(HttpFetchRequest request, CancellationToken cancellationToken) =>
        throw new FetchFailedException($"fetch to {request.Url} failed: this runtime has no network (the simulator does not simulate HTTP yet)");
}
