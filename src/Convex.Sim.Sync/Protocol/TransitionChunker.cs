using System.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Sync.Protocol;

/// <summary>
/// Splits a transition's JSON text into <see cref="TransitionChunk"/> pieces of at most
/// <see cref="ChunkBytesMax"/> UTF-8 bytes each, cut between characters (never inside a surrogate
/// pair), as the official backend does for clients from 1.28.0 on (convex-compat §3.4.7).
/// </summary>
public static class TransitionChunker
{
    public const int ChunkBytesMax = 5_000_000;

    /// <summary>The first client version that understands <c>TransitionChunk</c>.</summary>
    private static readonly Version ChunkingClient = new(1, 28, 0);

    /// <summary>Whether a client of this version (the <c>/api/{version}/sync</c> segment) reassembles chunks.</summary>
    public static bool Understands(string? clientVersion) =>
        clientVersion is not null
        && Version.TryParse(clientVersion.Split('-', '+')[0], out var version)
        && version >= ChunkingClient;

    /// <summary>The pieces of <paramref name="json"/>, or a single piece when it fits.</summary>
    public static IReadOnlyList<string> Split(string json, int chunkBytesMax = ChunkBytesMax)
    {
        Invariant.Assert(chunkBytesMax >= 4);
        var pieces = new List<string>();
        var start = 0;
        var bytes = 0;
        for (var i = 0; i < json.Length;)
        {
            var width = char.IsHighSurrogate(json[i]) && i + 1 < json.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(json.AsSpan(i, width));
            if (bytes + size > chunkBytesMax)
            {
                pieces.Add(json[start..i]);
                start = i;
                bytes = 0;
            }

            bytes += size;
            i += width;
        }

        pieces.Add(json[start..]);
        return pieces;
    }
}
