using Convex.Sim.Core;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Sync;

/// <summary>Authentication (convex-compat §3.9).</summary>
public sealed partial class SyncSession
{
    private SessionIdentity _identity = SessionIdentity.Anonymous;

    /// <summary>Set when the identity changes: the next transition re-runs every query under the new one.</summary>
    private bool _identityChanged;

    /// <summary>
    /// Validates the new identity (a user token through <see cref="SyncSessionOptions.ValidateUserToken"/>,
    /// an admin key through <see cref="SyncSessionOptions.IsAdminKey"/>, or none), then bumps the
    /// identity version; the confirming transition re-runs every query under the new identity. A
    /// refused token or key is answered with <c>AuthError{authUpdateAttempted: true}</c> and a close:
    /// the client fetches a fresh token and reconnects.
    /// </summary>
    private async Task AuthenticateAsync(Authenticate authenticate, CancellationToken cancellationToken)
    {
        if (authenticate.BaseVersion != _receivedIdentity)
        {
            throw new ProtocolException(
                $"Authenticate has base version {authenticate.BaseVersion.Value}, " +
                $"but the server's identity is at version {_receivedIdentity.Value}");
        }

        var (identity, error) = await ResolveIdentityAsync(authenticate, cancellationToken);
        if (identity is null)
        {
            Invariant.Assert(error is not null);
            await FailAsync(new AuthError(error!, _receivedIdentity, AuthUpdateAttempted: true), cancellationToken);
            return;
        }

        await EnterGateAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            _identityChanged |= identity.Key != _identity.Key;
            _identity = identity;
            _receivedIdentity = new IdentityVersion(_receivedIdentity.Value + 1);
            await AdvanceAsync([], [], TransitionKind.Always, Rerun.Invalidated, cancellationToken);
            if (!_closed)
            {
                Invariant.Assert(_current.Identity == _receivedIdentity);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The identity an <c>Authenticate</c> asks for, or why it is refused.</summary>
    private async ValueTask<(SessionIdentity? Identity, string? Error)> ResolveIdentityAsync(
        Authenticate authenticate, CancellationToken cancellationToken)
    {
        switch (authenticate.TokenType)
        {
            case TokenType.User:
                if (_options.ValidateUserToken is not { } validate)
                {
                    return (null, "This deployment does not accept user tokens");
                }

                var validation = await validate(authenticate.Value ?? "", cancellationToken);
                return validation.Identity is { } user
                    ? (SessionIdentity.ForUser(user, validation.ExpiresAt), null)
                    : (null, validation.Error);
            case TokenType.Admin when _options.IsAdminKey is { } check && check(authenticate.Value ?? ""):
                return authenticate.Impersonating is { } attributes ? ActingAs(attributes) : (SessionIdentity.Admin, null);
            case TokenType.Admin:
                return (null, "The provided admin key was invalid for this instance");
            case TokenType.None:
                return (SessionIdentity.Anonymous, null);
            default:
                return Invariant.Unreachable<(SessionIdentity?, string?)>($"unknown token type {authenticate.TokenType}");
        }
    }

    private static (SessionIdentity? Identity, string? Error) ActingAs(Core.Values.ConvexObject attributes)
    {
        try
        {
            return (SessionIdentity.ActingAs(UserIdentity.FromAttributes(attributes)), null);
        }
        catch (ConvexException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>
    /// Holding the gate: if the session's user token has expired (by the runtime's clock), ends the
    /// session with <c>AuthError{authUpdateAttempted: false}</c> (§3.9, §7.14.3) and returns true.
    /// Checked before every mutation, action and transition, so nothing runs or is sent under an
    /// expired identity; the client fetches a fresh token and reconnects.
    /// </summary>
    private async ValueTask<bool> EndIfIdentityExpiredAsync(CancellationToken cancellationToken)
    {
        Invariant.Assert(_gate.CurrentCount == 0);
        if (_closed || !_identity.HasExpired(_runtime.Time.GetUtcNow()))
        {
            return _closed;
        }

        const string Message = "Token expired: the user's authentication token is past its \"exp\"; fetch a new one";
        await SendFinalLockedAsync(new AuthError(Message, _receivedIdentity, AuthUpdateAttempted: false), cancellationToken);
        return true;
    }

    /// <summary><see cref="EndIfIdentityExpiredAsync"/> for work that does not hold the gate yet.</summary>
    private async ValueTask<bool> EndIfIdentityExpiredOutsideGateAsync(CancellationToken cancellationToken)
    {
        if (_identity.ExpiresAt is null)
        {
            return false;
        }

        await EnterGateAsync();
        try
        {
            return await EndIfIdentityExpiredAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
