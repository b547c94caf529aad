using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;

namespace Convex.Sim.Sync;

/// <summary>Who a session's functions run as (convex-compat §3.9).</summary>
internal enum SessionIdentityKind
{
    Anonymous,

    /// <summary>Authenticated with the deployment's admin key: internal functions are callable.</summary>
    Admin,

    /// <summary>An admin acting as a user (<c>impersonating</c>): internal functions, and the user's identity.</summary>
    ActingUser,

    /// <summary>A validated user token: public functions, with the user's identity until the token expires.</summary>
    User,
}

/// <summary>
/// A session's identity: the kind, the user functions see (null for anonymous and admin), and when
/// a user token stops being valid. Immutable; an <c>Authenticate</c> replaces it.
/// </summary>
internal sealed class SessionIdentity
{
    private SessionIdentity(SessionIdentityKind kind, UserIdentity? user, DateTimeOffset? expiresAt)
    {
        Invariant.Assert((user is null) == (kind is SessionIdentityKind.Anonymous or SessionIdentityKind.Admin));
        if (expiresAt is not null)
        {
            Invariant.Assert(kind == SessionIdentityKind.User);
        }

        Kind = kind;
        User = user;
        ExpiresAt = expiresAt;
        // Two users never share a query execution: the key holds every claim, not only the subject.
        Key = user is null ? kind.ToString() : $"{kind}:{ConvexJson.Encode(user.Claims)}";
    }

    public static SessionIdentity Anonymous { get; } = new(SessionIdentityKind.Anonymous, null, null);

    public static SessionIdentity Admin { get; } = new(SessionIdentityKind.Admin, null, null);

    public SessionIdentityKind Kind { get; }

    public UserIdentity? User { get; }

    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>What identical query executions of different sessions must agree on to be shared.</summary>
    public string Key { get; }

    public bool AllowsInternal => Kind is SessionIdentityKind.Admin or SessionIdentityKind.ActingUser;

    public static SessionIdentity ActingAs(UserIdentity user) => new(SessionIdentityKind.ActingUser, user, null);

    public static SessionIdentity ForUser(UserIdentity user, DateTimeOffset? expiresAt) =>
        new(SessionIdentityKind.User, user, expiresAt);

    public bool HasExpired(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;
}
