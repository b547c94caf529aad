using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;

namespace Convex.Sim.Sync;

/// <summary>
/// The outcome of checking a user token (a JWT, convex-compat §7.14.2): the identity its claims
/// describe and when it expires, or why it was refused. Produced by the server, which knows the
/// deployment's auth providers and can fetch their keys; the session only acts on it.
/// </summary>
public sealed record UserTokenValidation
{
    private UserTokenValidation(UserIdentity? identity, DateTimeOffset? expiresAt, string? error)
    {
        Invariant.Assert((identity is null) != (error is null));
        if (expiresAt is not null)
        {
            Invariant.Assert(identity is not null);
        }

        Identity = identity;
        ExpiresAt = expiresAt;
        Error = error;
    }

    /// <summary>The user, when the token was accepted.</summary>
    public UserIdentity? Identity { get; }

    /// <summary>The token's <c>exp</c>: from then on the session refuses to run anything (§7.14.3).</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Why the token was refused, for the client (an <c>AuthError</c> or a 401).</summary>
    public string? Error { get; }

    public static UserTokenValidation Valid(UserIdentity identity, DateTimeOffset? expiresAt) =>
        new(identity, expiresAt, null);

    public static UserTokenValidation Invalid(string error) => new(null, null, error);
}
