namespace Convex.Sim.Functions.Execution;

/// <summary>
/// A request for the deployment's HTTP actions (convex-compat §4.7), as the site origin received
/// it: the method, the public URL (scheme, host, original path and query), the header pairs and
/// the whole body (null for GET, HEAD and OPTIONS, which carry none).
/// </summary>
public sealed record HttpActionRequest(
    string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body)
{
    /// <summary>Request and response bodies are limited to 20 MiB, as in Convex.</summary>
    public const int BodySizeBytesMax = 20 << 20;

    /// <summary>The user the <c>Authorization</c> header identified, or null.</summary>
    public UserIdentity? Identity { get; init; }

    /// <summary>
    /// Set when the <c>Authorization</c> header carried a token that was not verified. The request
    /// still runs, because the header may be the app's own (a webhook secret), but
    /// <c>ctx.auth.getUserIdentity()</c> throws this message instead of answering.
    /// </summary>
    public string? IdentityError { get; init; }

    /// <summary>The path of <see cref="Url"/>, percent-encoded as sent, without query or fragment.</summary>
    public string Path
    {
        get
        {
            var scheme = Url.IndexOf("://", StringComparison.Ordinal);
            var start = scheme < 0 ? 0 : Url.IndexOf('/', scheme + 3);
            if (start < 0)
            {
                return "/";
            }

            var end = Url.IndexOfAny(['?', '#'], start);
            return end < 0 ? Url[start..] : Url[start..end];
        }
    }
}
