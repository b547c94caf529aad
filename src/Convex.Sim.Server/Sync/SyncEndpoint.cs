using Convex.Sim.Functions.Execution;
using Convex.Sim.Runtime;
using Convex.Sim.Server.Auth;
using Convex.Sim.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using DatabaseEngine = Convex.Sim.Database.Database;

namespace Convex.Sim.Server.Sync;

/// <summary>
/// <c>GET /api/{version}/sync</c> and <c>/api/sync</c> (convex-compat §3.1): upgrades to a
/// WebSocket and serves one <see cref="SyncSession"/> on it until either side closes. The session
/// joins the process-wide <see cref="SubscriptionManager"/>, so every commit reaches it.
/// </summary>
internal sealed class SyncEndpoint(
    FunctionRunner runner, DatabaseEngine database, IRuntime runtime, SubscriptionManager subscriptions,
    InstanceIdentity identity, TokenValidator tokens, ILogger logger, CancellationToken stopping)
{
    /// <summary>The client reconnects after 60 s without a message (convex-compat §3.2).</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw Http.ApiError.BadRequest("NotAWebSocket", "The sync endpoint takes a WebSocket upgrade");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var transport = new WebSocketTransport(socket);
        var options = new SyncSessionOptions
        {
            ClientVersion = context.Request.RouteValues["version"] as string,
            IsAdminKey = key => identity.IsAdminKey(key),
            ValidateUserToken = tokens.ValidateAsync,
        };
        var session = new SyncSession(runner, database, runtime, transport, subscriptions, options);
        var pings = PingAsync(session, stop.Token);
        try
        {
            await session.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            await stop.CancelAsync();
            await pings;
        }

        if (session.CloseReason is { } reason)
        {
            // Once per session: the client broke the protocol, failed authentication or overloaded it.
            Log.SyncSessionClosed(logger, session.ClientSessionId ?? "(before Connect)", reason);
        }

        await transport.CloseAsync("", CancellationToken.None);
    }

    private static async Task PingAsync(SyncSession session, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await session.PingAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended.
        }
    }
}
