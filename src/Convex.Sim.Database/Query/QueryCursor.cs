using System.Buffers.Binary;
using System.Buffers.Text;
using Convex.Sim.Core;

namespace Convex.Sim.Database.Query;

/// <summary>
/// A pagination cursor (convex-compat §7.6): a position in a query's index order, either "after index key
/// K" or "end of the range", plus the fingerprint of the query it belongs to. Encoded as base64url (no
/// padding) of [version 1][kind: 1 after, 2 end][fingerprint, 8 bytes big-endian][key bytes if after].
/// The official backend encrypts cursors; ours are only opaque by convention, which is enough because a
/// cursor can only select rows the query could return anyway.
/// </summary>
public sealed class QueryCursor
{
    private const byte Version = 1;
    private const byte AfterKind = 1;
    private const byte EndKind = 2;
    private const int HeaderLength = 1 + 1 + 8;

    private readonly byte[]? _afterKey;

    private QueryCursor(ulong fingerprint, byte[]? afterKey)
    {
        if (afterKey is not null)
        {
            Invariant.Assert(afterKey.Length > 0);
        }

        Fingerprint = fingerprint;
        _afterKey = afterKey;
    }

    public ulong Fingerprint { get; }

    /// <summary>True for the "end of range" position: nothing comes after it.</summary>
    public bool IsEnd => _afterKey is null;

    /// <summary>The index key the position is just after; only for a non-end cursor.</summary>
    public ReadOnlySpan<byte> AfterKey
    {
        get
        {
            Invariant.Assert(_afterKey is not null);
            return _afterKey;
        }
    }

    public static QueryCursor After(ulong fingerprint, byte[] key) => new(fingerprint, key.ToArray());

    public static QueryCursor End(ulong fingerprint) => new(fingerprint, null);

    public string Encode()
    {
        var bytes = new byte[HeaderLength + (_afterKey?.Length ?? 0)];
        bytes[0] = Version;
        bytes[1] = IsEnd ? EndKind : AfterKind;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(2), Fingerprint);
        _afterKey?.CopyTo(bytes.AsSpan(HeaderLength));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Decodes a cursor string; anything this class did not produce is an InvalidCursor error.</summary>
    public static QueryCursor Decode(string text)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            throw Malformed();
        }

        if (bytes.Length < HeaderLength || bytes[0] != Version)
        {
            throw Malformed();
        }

        var fingerprint = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(2));
        return bytes[1] switch
        {
            EndKind when bytes.Length == HeaderLength => End(fingerprint),
            AfterKind when bytes.Length > HeaderLength => new QueryCursor(fingerprint, bytes[HeaderLength..]),
            _ => throw Malformed(),
        };
    }

    /// <summary>Decodes and checks that the cursor belongs to the query with <paramref name="fingerprint"/>.</summary>
    public static QueryCursor DecodeFor(string text, ulong fingerprint)
    {
        var cursor = Decode(text);
        if (cursor.Fingerprint != fingerprint)
        {
            throw QueryErrors.CursorFromOtherQuery();
        }

        return cursor;
    }

    public override string ToString() => Encode();

    private static Errors.DatabaseUsageException Malformed() =>
        QueryErrors.InvalidCursor("The cursor is malformed; use a cursor returned by paginate() for this query.");
}
