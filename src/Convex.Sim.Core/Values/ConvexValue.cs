using System.Collections.Immutable;

namespace Convex.Sim.Core.Values;

/// <summary>The type tag of a Convex value, in the official total order (lowest first).</summary>
public enum ConvexValueKind
{
    Null = 1,
    Int64 = 2,
    Float64 = 3,
    Boolean = 4,
    String = 5,
    Bytes = 6,
    Array = 7,
    Object = 8,
}

/// <summary>
/// An immutable Convex value (convex-compat §2.1). Int64 and Float64 stay distinct everywhere:
/// <c>1n</c> never equals <c>1</c>. Equality and ordering follow the official total order
/// (<see cref="ConvexValueComparer"/>), so -0 and +0 differ and NaN equals itself bit for bit.
/// "Missing" (undefined) is not a value: it is represented by a C# <c>null</c> reference where allowed.
/// </summary>
public abstract class ConvexValue : IEquatable<ConvexValue>, IComparable<ConvexValue>
{
    private protected ConvexValue() { }

    public abstract ConvexValueKind Kind { get; }

    public int CompareTo(ConvexValue? other) => ConvexValueComparer.Instance.Compare(this, other);

    public bool Equals(ConvexValue? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is ConvexValue v && Equals(v);

    public override int GetHashCode() => ConvexValueComparer.Instance.GetHashCode(this);

    public override string ToString() => ConvexJson.Encode(this);
}

public sealed class ConvexNull : ConvexValue
{
    public static readonly ConvexNull Instance = new();

    private ConvexNull() { }

    public override ConvexValueKind Kind => ConvexValueKind.Null;
}

public sealed class ConvexInt64(long value) : ConvexValue
{
    public long Value { get; } = value;

    public override ConvexValueKind Kind => ConvexValueKind.Int64;
}

public sealed class ConvexFloat64(double value) : ConvexValue
{
    public double Value { get; } = value;

    public override ConvexValueKind Kind => ConvexValueKind.Float64;
}

public sealed class ConvexBoolean : ConvexValue
{
    public static readonly ConvexBoolean True = new(true);
    public static readonly ConvexBoolean False = new(false);

    private ConvexBoolean(bool value) => Value = value;

    public bool Value { get; }

    public static ConvexBoolean Of(bool value) => value ? True : False;

    public override ConvexValueKind Kind => ConvexValueKind.Boolean;
}

public sealed class ConvexString(string value) : ConvexValue
{
    public string Value { get; } = value ?? throw new ArgumentNullException(nameof(value));

    public override ConvexValueKind Kind => ConvexValueKind.String;
}

/// <summary>Bytes; the array is copied on construction and never exposed mutably.</summary>
public sealed class ConvexBytes(ReadOnlySpan<byte> value) : ConvexValue
{
    private readonly byte[] _value = value.ToArray();

    public ReadOnlyMemory<byte> Value => _value;

    public override ConvexValueKind Kind => ConvexValueKind.Bytes;
}

public sealed class ConvexArray(ImmutableArray<ConvexValue> items) : ConvexValue
{
    /// <summary>The value's size once computed by <see cref="ValueSize"/>; -1 until then.</summary>
    internal long MemoizedSize = -1;

    public static readonly ConvexArray Empty = new(ImmutableArray<ConvexValue>.Empty);

    public ImmutableArray<ConvexValue> Items { get; } = items.IsDefault ? ImmutableArray<ConvexValue>.Empty : items;

    public override ConvexValueKind Kind => ConvexValueKind.Array;
}

/// <summary>An object; fields are kept sorted by name (ordinal), as the official backend stores them.</summary>
public sealed class ConvexObject(ImmutableSortedDictionary<string, ConvexValue> fields) : ConvexValue
{
    /// <summary>The value's size once computed by <see cref="ValueSize"/>; -1 until then.</summary>
    internal long MemoizedSize = -1;

    public static readonly ConvexObject Empty =
        new(ImmutableSortedDictionary.Create<string, ConvexValue>(StringComparer.Ordinal));

    public ImmutableSortedDictionary<string, ConvexValue> Fields { get; } =
        fields.KeyComparer == StringComparer.Ordinal ? fields : fields.WithComparers(StringComparer.Ordinal);

    public override ConvexValueKind Kind => ConvexValueKind.Object;

    public ConvexValue? this[string name] => Fields.TryGetValue(name, out var v) ? v : null;

    public ConvexObject With(string name, ConvexValue value) => new(Fields.SetItem(name, value));

    public ConvexObject Without(string name) => new(Fields.Remove(name));

    public static ConvexObject From(IEnumerable<KeyValuePair<string, ConvexValue>> fields) =>
        new(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, fields));
}
