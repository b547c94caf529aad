namespace Convex.Sim.Sync;

/// <summary>What a <see cref="SyncSession"/> knows about its connection and the limits it enforces.</summary>
public sealed record SyncSessionOptions
{
    /// <summary>The client's npm version from <c>/api/{version}/sync</c>; decides whether large transitions are chunked.</summary>
    public string? ClientVersion { get; init; }

    /// <summary>Checks an admin key sent in <c>Authenticate</c>; null refuses admin authentication.</summary>
    public Func<string, bool>? IsAdminKey { get; init; }

    /// <summary>
    /// Checks a user token (JWT) sent in <c>Authenticate</c> against the deployment's auth providers
    /// (convex-compat §7.14.2); null refuses user authentication. It may fetch keys over the network,
    /// which only the server can do, hence a delegate rather than a dependency.
    /// </summary>
    public Func<string, CancellationToken, ValueTask<UserTokenValidation>>? ValidateUserToken { get; init; }

    /// <summary>Mutations waiting behind the running one; beyond this the connection is closed (the client reconnects and re-sends).</summary>
    public int PendingMutationsMax { get; init; } = 1000;

    /// <summary>Actions running at once on one connection; more are answered with an error.</summary>
    public int ActionsInFlightMax { get; init; } = 1000;

    /// <summary>Transitions larger than this (UTF-8 bytes) are sent as <c>TransitionChunk</c>s to clients that understand them.</summary>
    public int TransitionChunkBytesMax { get; init; } = Protocol.TransitionChunker.ChunkBytesMax;
}
