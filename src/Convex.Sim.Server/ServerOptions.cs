using System.Globalization;

namespace Convex.Sim.Server;

/// <summary>
/// How the server is started: ports, data directory, instance identity (convex-compat §1.1, §6.2,
/// §8.10). Command-line options win over environment variables, which win over the defaults.
/// </summary>
internal sealed record ServerOptions
{
    public const int DefaultPort = 3210;
    public const int DefaultSitePort = 3211;
    public const string DefaultInstanceName = "convex-sim";

    /// <summary>The API ("cloud") origin's port; 0 asks the system for a free port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The HTTP actions ("site") origin's port; 0 asks for a free port.</summary>
    public int SitePort { get; init; } = DefaultSitePort;

    public string DataDirectory { get; init; } = "convex-data";

    public string InstanceName { get; init; } = DefaultInstanceName;

    /// <summary>32 bytes as hex; generated on first start and kept in the data directory when absent.</summary>
    public string? InstanceSecret { get; init; }

    /// <summary>Accept exactly this admin key instead of the one derived from the instance secret.</summary>
    public string? AdminKey { get; init; }

    /// <summary>
    /// How long superseded document versions are kept (reads at older timestamps, such as
    /// <c>/api/query_at_ts</c>, then fail clearly); null keeps every version. Default one hour.
    /// </summary>
    public TimeSpan? HistoryRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a shutdown waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (Port is < 0 or > 65535 || SitePort is < 0 or > 65535)
        {
            throw new ArgumentException("ports must be between 0 and 65535");
        }

        if (Port != 0 && Port == SitePort)
        {
            throw new ArgumentException("--port and --site-port must differ");
        }

        if (string.IsNullOrWhiteSpace(InstanceName) || InstanceName.Contains('|', StringComparison.Ordinal))
        {
            throw new ArgumentException("--instance-name must be non-empty and must not contain '|'");
        }

        if (InstanceSecret is { } secret && !InstanceIdentity.IsValidSecret(secret))
        {
            throw new ArgumentException("--instance-secret must be 64 hex digits (32 bytes)");
        }
    }

    /// <summary>Reads <c>--name value</c> / <c>--name=value</c> arguments, then the environment.</summary>
    public static ServerOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[arg[2..equals]] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[arg[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"option '{arg}' needs a value");
            }
        }

        string? Get(string option, string? variable)
        {
            if (values.Remove(option, out var value))
            {
                return value;
            }

            return variable is not null && environment(variable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : null;
        }

        var options = new ServerOptions
        {
            Port = ParsePort(Get("port", "CONVEX_PORT"), DefaultPort),
            SitePort = ParsePort(Get("site-port", "CONVEX_SITE_PORT"), DefaultSitePort),
            DataDirectory = Get("data-dir", "CONVEX_DATA_DIR") ?? "convex-data",
            InstanceName = Get("instance-name", "INSTANCE_NAME") ?? DefaultInstanceName,
            InstanceSecret = Get("instance-secret", "INSTANCE_SECRET"),
            AdminKey = Get("admin-key", "CONVEX_SELF_HOSTED_ADMIN_KEY"),
            HistoryRetention = ParseRetention(Get("history-retention", "CONVEX_HISTORY_RETENTION")),
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option '--{values.Keys.Order(StringComparer.Ordinal).First()}'");
        }

        options.Validate();
        return options;
    }

    /// <summary><c>forever</c>, or a whole number of seconds, minutes, hours or days (<c>90s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>).</summary>
    private static TimeSpan? ParseRetention(string? text)
    {
        if (text is null)
        {
            return TimeSpan.FromHours(1);
        }

        if (text == "forever")
        {
            return null;
        }

        var unit = text.Length > 1 ? text[^1] : ' ';
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || n < 1 || n > 36_500)
        {
            unit = ' ';
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => throw new ArgumentException(
                $"--history-retention '{text}' must be 'forever' or a whole number with s, m, h or d (e.g. 2h)"),
        };
    }

    private static int ParsePort(string? text, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port
        : throw new ArgumentException($"'{text}' is not a port number");

    public const string Usage = """
        Usage: Convex.Sim.Server [options]
          --port <n>              API port (env CONVEX_PORT, default 3210)
          --site-port <n>         HTTP actions port (env CONVEX_SITE_PORT, default 3211)
          --data-dir <path>       data directory (env CONVEX_DATA_DIR, default ./convex-data)
          --instance-name <name>  instance name (env INSTANCE_NAME, default convex-sim)
          --instance-secret <hex> 32-byte hex secret (env INSTANCE_SECRET; generated and kept in the data dir)
          --admin-key <key>       accept this admin key (env CONVEX_SELF_HOSTED_ADMIN_KEY)
          --history-retention <d> keep superseded versions this long: 90s, 30m, 2h, 7d or forever
                                  (env CONVEX_HISTORY_RETENTION, default 1h)
        """;
}
