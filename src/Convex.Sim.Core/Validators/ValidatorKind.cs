namespace Convex.Sim.Core.Validators;

/// <summary>
/// The kinds of validator in the Convex validator language (convex-compat §7.9.1; the JSON
/// <c>type</c> names are in brackets where they differ from the member name).
/// </summary>
public enum ValidatorKind
{
    /// <summary><c>v.null()</c>: only null.</summary>
    Null = 1,

    /// <summary><c>v.number()</c> / <c>v.float64()</c> ("number"): Float64 only, never Int64.</summary>
    Float64 = 2,

    /// <summary><c>v.int64()</c> / <c>v.bigint()</c> ("bigint"): Int64 only.</summary>
    Int64 = 3,

    /// <summary><c>v.commitTs()</c>: an Int64 at rest (the placeholder only lives in pending writes, §2.5).</summary>
    CommitTs = 4,

    /// <summary><c>v.boolean()</c>.</summary>
    Boolean = 5,

    /// <summary><c>v.string()</c>.</summary>
    String = 6,

    /// <summary><c>v.bytes()</c>.</summary>
    Bytes = 7,

    /// <summary><c>v.any()</c>: every value.</summary>
    Any = 8,

    /// <summary><c>v.literal(x)</c>: exactly one Float64, Int64, Boolean or String.</summary>
    Literal = 9,

    /// <summary><c>v.id("table")</c>: a string that decodes as a document ID of that table.</summary>
    Id = 10,

    /// <summary><c>v.array(element)</c>.</summary>
    Array = 11,

    /// <summary><c>v.record(keys, values)</c>: an object whose field names match keys, values match values.</summary>
    Record = 12,

    /// <summary><c>v.object({...})</c>: exact field set; optional fields may be missing, no extras.</summary>
    Object = 13,

    /// <summary><c>v.union(...)</c>: any member matches.</summary>
    Union = 14,
}
