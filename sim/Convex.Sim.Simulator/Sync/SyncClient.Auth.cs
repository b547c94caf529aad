using Convex.Sim.Simulator.Network;
using Convex.Sim.Sync.Protocol;

namespace Convex.Sim.Simulator.Sync;

/// <summary>
/// Authentication as the official client does it with <c>setAdminAuth</c> and <c>clearAuth</c>
/// (convex-compat §3.3.5, §3.9): every change is an <c>Authenticate</c> whose base version is the
/// identity version sent so far, which then goes up by one; on a new connection a held key is sent
/// first (base 0) and the identity version restarts at 1, else at 0. A transition acknowledges an
/// identity version; it may never end past the last one sent.
/// An <c>AuthError</c> answers a wrong key only: the client then drops its key and reconnects, as
/// the official client ends up doing after its retries. Any other <c>AuthError</c> is a violation.
/// </summary>
internal sealed partial class SyncClient
{
    /// <summary>The deployment's admin key in the simulated node.</summary>
    public const string AdminKey = "sim-admin-key";

    private string? _auth;
    private uint _identityVersion;
    private bool _wrongKeySent;

    public bool IsAuthenticated => _auth is not null;

    /// <summary>Authenticates with the admin key, or a wrong one (which the server must refuse).</summary>
    public void SetAdminAuth(bool wrongKey)
    {
        _auth = wrongKey ? "not-the-admin-key" : AdminKey;
        _recorder.Trace(Name, wrongKey ? "set auth (wrong key)" : "set auth");
        SendAuthenticate(new Authenticate(TokenType.Admin, _auth, new IdentityVersion(_identityVersion)));
    }

    public void ClearAuth()
    {
        _auth = null;
        _recorder.Trace(Name, "clear auth");
        SendAuthenticate(new Authenticate(TokenType.None, null, new IdentityVersion(_identityVersion)));
    }

    private void SendAuthenticate(Authenticate authenticate)
    {
        if (_connection is not { } connection)
        {
            return; // sent on the next connection
        }

        _wrongKeySent |= authenticate.Value is { } key && key != AdminKey;
        _identityVersion++;
        connection.SendToServer(ClientMessageWriter.Write(authenticate));
    }

    private void AuthenticateOnOpen(SimConnection connection)
    {
        _identityVersion = 0;
        _wrongKeySent = false;
        if (_auth is not null)
        {
            SendAuthenticate(new Authenticate(TokenType.Admin, _auth, IdentityVersion.Initial));
        }

        Core.Invariant.Assert(ReferenceEquals(_connection, connection));
    }

    private void OnAuthError(AuthError error)
    {
        if (!_wrongKeySent || !error.AuthUpdateAttempted)
        {
            _recorder.Violation(Index, SyncRecorder.NoFatalError,
                $"AuthError without a wrong key sent: {error.Error}");
            return;
        }

        _recorder.AuthRefused(Index, error.Error);
        _auth = null;
    }
}
