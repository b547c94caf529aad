using System.Globalization;
using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Functions.WebApis;

/// <summary>
/// A URL record (WHATWG URL §4.1). <see cref="Host"/> holds the host already serialized (a
/// domain, a dotted IPv4 address, a bracketed IPv6 address, an opaque host, or "" for the empty
/// host); null means no host. The path is either a list of segments or, for URLs such as
/// <c>mailto:x</c>, one opaque string (<see cref="OpaquePath"/> non-null).
/// </summary>
internal sealed class UrlRecord
{
    public string Scheme { get; set; } = "";

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public string? Host { get; set; }

    public int? Port { get; set; }

    public List<string> Path { get; set; } = [];

    public string? OpaquePath { get; set; }

    public string? Query { get; set; }

    public string? Fragment { get; set; }

    public bool IsSpecial => IsSpecialScheme(Scheme);

    public bool HasOpaquePath => OpaquePath is not null;

    public bool HasCredentials => Username.Length > 0 || Password.Length > 0;

    /// <summary>"Cannot have a username/password/port" (§4.2).</summary>
    public bool CannotHaveCredentialsOrPort => Host is null or "" || Scheme == "file";

    public static bool IsSpecialScheme(string scheme) =>
        scheme is "ftp" or "file" or "http" or "https" or "ws" or "wss";

    public static int? DefaultPort(string scheme) => scheme switch
    {
        "ftp" => 21,
        "http" or "ws" => 80,
        "https" or "wss" => 443,
        _ => null,
    };

    /// <summary>The URL serializer (§4.5).</summary>
    public string Serialize(bool excludeFragment = false)
    {
        Invariant.Assert(Scheme.Length > 0);
        if (OpaquePath is not null)
        {
            Invariant.Assert(Path.Count == 0 && Host is null);
        }

        var output = new StringBuilder(Scheme).Append(':');
        if (Host is not null)
        {
            output.Append("//");
            if (HasCredentials)
            {
                output.Append(Username);
                if (Password.Length > 0)
                {
                    output.Append(':').Append(Password);
                }

                output.Append('@');
            }

            output.Append(Host);
            if (Port is { } port)
            {
                output.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
            }
        }
        else if (!HasOpaquePath && Path.Count > 1 && Path[0].Length == 0)
        {
            // Keeps "web+demo:/.//not-a-host/" from reparsing with a host.
            output.Append("/.");
        }

        output.Append(SerializePath());
        if (Query is not null)
        {
            output.Append('?').Append(Query);
        }

        if (!excludeFragment && Fragment is not null)
        {
            output.Append('#').Append(Fragment);
        }

        return output.ToString();
    }

    public string SerializePath()
    {
        if (OpaquePath is not null)
        {
            return OpaquePath;
        }

        var output = new StringBuilder();
        foreach (var segment in Path)
        {
            output.Append('/').Append(segment);
        }

        return output.ToString();
    }

    /// <summary>The ASCII serialization of the URL's origin (§4.7), "null" for opaque origins.</summary>
    public string Origin()
    {
        switch (Scheme)
        {
            case "blob":
                var inner = UrlParser.Parse(SerializePath(), null);
                return inner is { Scheme: "http" or "https" } ? inner.Origin() : "null";
            case "ftp" or "http" or "https" or "ws" or "wss":
                Invariant.Assert(Host is not null);
                var port = Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "";
                return $"{Scheme}://{Host}{port}";
            default:
                return "null";
        }
    }

    /// <summary>§4.2 "shorten a URL's path".</summary>
    public void ShortenPath()
    {
        Invariant.Assert(!HasOpaquePath);
        if (Scheme == "file" && Path.Count == 1 && UrlParser.IsNormalizedWindowsDriveLetter(Path[0]))
        {
            return;
        }

        if (Path.Count > 0)
        {
            Path.RemoveAt(Path.Count - 1);
        }
    }

    /// <summary>Strips trailing spaces from an opaque path once nothing follows it (§6.1 setters).</summary>
    public void StripTrailingSpacesFromOpaquePath()
    {
        if (OpaquePath is null || Fragment is not null || Query is not null)
        {
            return;
        }

        OpaquePath = OpaquePath.TrimEnd(' ');
    }

    public UrlRecord Clone() => new()
    {
        Scheme = Scheme,
        Username = Username,
        Password = Password,
        Host = Host,
        Port = Port,
        Path = [.. Path],
        OpaquePath = OpaquePath,
        Query = Query,
        Fragment = Fragment,
    };

    public void CopyFrom(UrlRecord other)
    {
        Scheme = other.Scheme;
        Username = other.Username;
        Password = other.Password;
        Host = other.Host;
        Port = other.Port;
        Path = [.. other.Path];
        OpaquePath = other.OpaquePath;
        Query = other.Query;
        Fragment = other.Fragment;
    }
}
