using System.Text;

namespace Convex.Sim.Core.Values;

/// <summary>
/// The official total order of Convex values (convex-compat §2.7), with C# null standing for
/// "missing", which sorts before everything. Type order: missing &lt; null &lt; Int64 &lt; Float64 &lt;
/// Boolean &lt; String &lt; Bytes &lt; Array &lt; Object. Floats use the IEEE-754 total order (so -0 &lt; +0
/// and NaNs are ordered by sign and bits); strings compare by UTF-8 bytes; arrays lexicographically;
/// objects as their sorted (name, value) pair lists.
/// </summary>
public sealed class ConvexValueComparer : IComparer<ConvexValue?>, IEqualityComparer<ConvexValue?>
{
    public static readonly ConvexValueComparer Instance = new();

    private ConvexValueComparer() { }

    public int Compare(ConvexValue? x, ConvexValue? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var kinds = x.Kind.CompareTo(y.Kind);
        if (kinds != 0)
        {
            return kinds;
        }

        return (x, y) switch
        {
            (ConvexNull, ConvexNull) => 0,
            (ConvexInt64 a, ConvexInt64 b) => a.Value.CompareTo(b.Value),
            (ConvexFloat64 a, ConvexFloat64 b) => CompareFloats(a.Value, b.Value),
            (ConvexBoolean a, ConvexBoolean b) => a.Value.CompareTo(b.Value),
            (ConvexString a, ConvexString b) => CompareUtf8(a.Value, b.Value),
            (ConvexBytes a, ConvexBytes b) => a.Value.Span.SequenceCompareTo(b.Value.Span),
            (ConvexArray a, ConvexArray b) => CompareArrays(a, b),
            (ConvexObject a, ConvexObject b) => CompareObjects(a, b),
            _ => Invariant.Unreachable<int>("kinds matched but types did not"),
        };
    }

    /// <summary>Lexicographic comparison of tuples (index keys); a shorter prefix sorts first.</summary>
    public int CompareTuples(IReadOnlyList<ConvexValue?> a, IReadOnlyList<ConvexValue?> b)
    {
        var n = Math.Min(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            var c = Compare(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Count.CompareTo(b.Count);
    }

    public bool Equals(ConvexValue? x, ConvexValue? y) => Compare(x, y) == 0;

    /// <summary>A deterministic hash (the same in every process, unlike <see cref="HashCode"/>).</summary>
    public int GetHashCode(ConvexValue? obj)
    {
        var hash = new StableHash();
        Hash(ref hash, obj);
        return hash.ToInt32();
    }

    /// <summary>IEEE-754 totalOrder: map the bits to a signed integer whose order is the float order.</summary>
    public static int CompareFloats(double a, double b) => TotalOrderKey(a).CompareTo(TotalOrderKey(b));

    public static long TotalOrderKey(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        return bits < 0 ? bits ^ long.MaxValue : bits;
    }

    /// <summary>Compares strings by their UTF-8 encodings (which is code-point order, not UTF-16 order).</summary>
    public static int CompareUtf8(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var ca = a[i];
            var cb = b[i];
            if (ca == cb)
            {
                continue;
            }

            // Surrogates (astral code points) encode to 4 UTF-8 bytes starting with 0xF0, above every
            // BMP code point; only when both are surrogates, or neither is, does UTF-16 order agree.
            var sa = char.IsSurrogate(ca);
            var sb = char.IsSurrogate(cb);
            return sa == sb ? ca.CompareTo(cb) : (sa ? 1 : -1);
        }

        return a.Length.CompareTo(b.Length);
    }

    private int CompareArrays(ConvexArray a, ConvexArray b)
    {
        var n = Math.Min(a.Items.Length, b.Items.Length);
        for (var i = 0; i < n; i++)
        {
            var c = Compare(a.Items[i], b.Items[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Items.Length.CompareTo(b.Items.Length);
    }

    /// <summary>
    /// Pairwise over the fields in name order. Fields are stored in ordinal (UTF-16) order, which equals
    /// UTF-8 order for valid field names (printable ASCII), so walking both in storage order is exact.
    /// </summary>
    private int CompareObjects(ConvexObject a, ConvexObject b)
    {
        using var ea = a.Fields.GetEnumerator();
        using var eb = b.Fields.GetEnumerator();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA.CompareTo(hasB);
            }

            var names = CompareUtf8(ea.Current.Key, eb.Current.Key);
            if (names != 0)
            {
                return names;
            }

            var values = Compare(ea.Current.Value, eb.Current.Value);
            if (values != 0)
            {
                return values;
            }
        }
    }

    private static void Hash(ref StableHash hash, ConvexValue? value)
    {
        if (value is null)
        {
            hash.Add(0);
            return;
        }

        hash.Add((ulong)value.Kind);
        switch (value)
        {
            case ConvexNull:
                break;
            case ConvexInt64 i:
                hash.Add((ulong)i.Value);
                break;
            case ConvexFloat64 f:
                // Equal floats have equal bits: the total order tells every NaN, and -0 from +0, apart.
                hash.Add((ulong)BitConverter.DoubleToInt64Bits(f.Value));
                break;
            case ConvexBoolean b:
                hash.Add(b.Value ? 1UL : 0UL);
                break;
            case ConvexString s:
                hash.Add(s.Value.AsSpan());
                break;
            case ConvexBytes bytes:
                hash.Add(bytes.Value.Span);
                break;
            case ConvexArray array:
                hash.Add((ulong)array.Items.Length);
                foreach (var item in array.Items)
                {
                    Hash(ref hash, item);
                }

                break;
            case ConvexObject obj:
                hash.Add((ulong)obj.Fields.Count);
                foreach (var (name, field) in obj.Fields)
                {
                    hash.Add(name.AsSpan());
                    Hash(ref hash, field);
                }

                break;
            default:
                Invariant.Unreachable("unknown value kind");
                break;
        }
    }
}

/// <summary>
/// A deterministic 64-bit hash accumulator (xxHash-style rounds). <see cref="HashCode"/> is seeded
/// randomly per process, which would make hash-dependent behaviour differ between simulation runs.
/// </summary>
internal struct StableHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private ulong _state;

    public StableHash() => _state = 0x27D4EB2F165667C5UL;

    public void Add(ulong value) =>
        _state = System.Numerics.BitOperations.RotateLeft(_state ^ (value * Prime2), 31) * Prime1;

    public void Add(ReadOnlySpan<char> text) => Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(text));

    public void Add(ReadOnlySpan<byte> bytes)
    {
        Add((ulong)bytes.Length);
        while (bytes.Length >= 8)
        {
            Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            tail |= (ulong)bytes[i] << (8 * i);
        }

        Add(tail);
    }

    public readonly int ToInt32()
    {
        var h = _state;
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        return (int)(h ^ (h >> 32));
    }
}
