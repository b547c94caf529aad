using Microsoft.Extensions.Logging;

namespace Convex.Sim.Server;

/// <summary>Every log event of the server, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "Database opened at {Path}; latest timestamp {LatestTs}")]
    public static partial void DatabaseOpened(ILogger logger, string path, ulong latestTs);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Convex deployment '{InstanceName}' listening on {Url} (HTTP actions origin {SiteUrl})")]
    public static partial void Listening(ILogger logger, string instanceName, Uri url, Uri siteUrl);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Shutting down: draining requests in flight")]
    public static partial void ShuttingDown(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Stopped; database closed")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "Deployed {ModuleCount} modules ({FunctionCount} functions), schema {HasSchema}")]
    public static partial void Deployed(ILogger logger, int moduleCount, int functionCount, bool hasSchema);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning,
        Message = "Sync session {SessionId} closed by the server: {Reason}")]
    public static partial void SyncSessionClosed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Deleted {Count} mutation records older than the two-week idempotency window")]
    public static partial void SessionRequestsExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Mutation record expiry stopped: {Reason}")]
    public static partial void SessionRequestExpiryStopped(ILogger logger, string reason);

    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "System error in {Path}: {ErrorMessage}")]
    public static partial void FunctionSystemError(ILogger logger, string path, string errorMessage);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);
}
