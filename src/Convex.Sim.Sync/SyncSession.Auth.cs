using Convex.Sim.Core;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync;

/// <summary>Who a session's functions run as.</summary>
internal enum SessionIdentity
{
    Anonymous,

    /// <summary>Authenticated with the deployment's admin key: internal functions are callable (§3.9).</summary>
    Admin,
}

/// <summary>Authentication (convex-compat §3.9).</summary>
public sealed partial class SyncSession
{
    private SessionIdentity _identity = SessionIdentity.Anonymous;

    /// <summary>Set when the identity changes: the next transition re-runs every query under the new one.</summary>
    private bool _identityChanged;

    /// <summary>
    /// Admin keys (checked by <see cref="SyncSessionOptions.IsAdminKey"/>) and clearing the identity
    /// are accepted: the identity version goes up and a transition confirms it, with every query
    /// re-run. User tokens (JWT) are not supported yet and are refused with an <see cref="AuthError"/>,
    /// as is a wrong admin key; the connection then closes (the client fetches a new token).
    /// </summary>
    private async Task AuthenticateAsync(Authenticate authenticate, CancellationToken cancellationToken)
    {
        if (authenticate.BaseVersion != _receivedIdentity)
        {
            throw new ProtocolException(
                $"Authenticate has base version {authenticate.BaseVersion.Value}, " +
                $"but the server's identity is at version {_receivedIdentity.Value}");
        }

        SessionIdentity identity;
        switch (authenticate.TokenType)
        {
            case TokenType.User:
                await FailAsync(new AuthError(
                    "Convex.Sim does not support user authentication (JWT) over the sync protocol yet",
                    _receivedIdentity, AuthUpdateAttempted: true), cancellationToken);
                return;
            case TokenType.Admin when _options.IsAdminKey is { } check && check(authenticate.Value ?? ""):
                identity = SessionIdentity.Admin;
                break;
            case TokenType.Admin:
                await FailAsync(new AuthError(
                    "The provided admin key was invalid for this instance", _receivedIdentity,
                    AuthUpdateAttempted: true), cancellationToken);
                return;
            default:
                identity = SessionIdentity.Anonymous;
                break;
        }

        await EnterGateAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            _identityChanged |= identity != _identity;
            _identity = identity;
            _receivedIdentity = new IdentityVersion(_receivedIdentity.Value + 1);
            await AdvanceAsync([], [], TransitionKind.Always, Rerun.Invalidated, cancellationToken);
            Invariant.Assert(_current.Identity == _receivedIdentity);
        }
        finally
        {
            _gate.Release();
        }
    }
}
