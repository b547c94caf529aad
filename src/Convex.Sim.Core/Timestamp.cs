namespace Convex.Sim.Core;

/// <summary>
/// A commit timestamp: nanoseconds since the Unix epoch, as the official backend uses (capped at
/// <see cref="long.MaxValue"/>). Every commit gets a timestamp strictly greater than all earlier ones.
/// Distinct from query-set versions and state versions of the sync protocol.
/// </summary>
public readonly record struct Timestamp(ulong Value) : IComparable<Timestamp>
{
    public static readonly Timestamp Zero = new(0);
    public static readonly Timestamp Max = new(long.MaxValue);

    public Timestamp Succ()
    {
        Invariant.Assert(Value < Max.Value);
        return new Timestamp(Value + 1);
    }

    public static Timestamp FromUnixNanoseconds(long nanos)
    {
        Invariant.Assert(nanos >= 0);
        return new Timestamp((ulong)nanos);
    }

    public int CompareTo(Timestamp other) => Value.CompareTo(other.Value);

    public static bool operator <(Timestamp a, Timestamp b) => a.Value < b.Value;
    public static bool operator >(Timestamp a, Timestamp b) => a.Value > b.Value;
    public static bool operator <=(Timestamp a, Timestamp b) => a.Value <= b.Value;
    public static bool operator >=(Timestamp a, Timestamp b) => a.Value >= b.Value;

    public static Timestamp Max2(Timestamp a, Timestamp b) => a >= b ? a : b;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
