using System.Collections.Immutable;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Database.Catalog;
using Convex.Sim.Database.Indexing;

namespace Convex.Sim.Database.Query;

/// <summary>
/// Turns the range expressions of <c>withIndex</c> into an <see cref="IndexRange"/> (convex-compat §7.4),
/// checking them the way the backend does, in the same order, so the same mistake gets the same error:
/// <list type="number">
/// <item>split: each field at most one equality, at most one lower and one upper bound, both bounds on one
///   field, and that field has no equality (AlreadyDefinedBound, BoundsOnMultipleFields);</item>
/// <item>every field used must be an index field (FieldNotInIndex);</item>
/// <item>the equality fields, in index order, then the bound field must be exactly a prefix of the index
///   fields (InvalidIndexRange). Equalities may be written in any order.</item>
/// </list>
/// The index fields are the declared ones plus the implicit <c>_creationTime</c> (for <c>by_creation_time</c>
/// only that one), then <c>_id</c>, which the backend accepts last but this implementation does not support yet.
/// </summary>
public static class IndexRangeCompiler
{
    private static readonly FieldPath CreationTime = FieldPath.Parse(IndexKeys.CreationTimeField);
    private static readonly FieldPath Id = FieldPath.Parse(IndexKeys.IdField);

    /// <summary>The fields a developer sees for an index (the official "indexed fields", without <c>_id</c>).</summary>
    public static ImmutableArray<FieldPath> IndexedFields(IndexInfo index) => index.Kind switch
    {
        IndexKind.ById => [],
        IndexKind.ByCreationTime => [CreationTime],
        IndexKind.User => [.. index.Fields, CreationTime],
    };

    public static IndexRange Compile(IndexRangeSource source, IndexInfo index)
    {
        var indexName = $"{source.Table}.{source.Index}";
        var split = Split(source.Range, indexName);
        var fields = IndexedFields(index);
        var withId = fields.Add(Id);
        var rank = new Dictionary<FieldPath, int>();
        for (var i = 0; i < withId.Length; i++)
        {
            rank.Add(withId[i], i);
        }

        foreach (var field in split.Equalities.Keys)
        {
            if (!rank.ContainsKey(field))
            {
                throw QueryErrors.FieldNotInIndex(indexName, field, fields);
            }
        }

        if (split.BoundField is { } boundField && !rank.ContainsKey(boundField))
        {
            throw QueryErrors.FieldNotInIndex(indexName, boundField, fields);
        }

        var used = split.Equalities.Keys.OrderBy(f => rank[f]).ToList();
        if (split.BoundField is not null)
        {
            used.Add(split.BoundField);
        }

        CheckPrefix(indexName, fields, withId, used);
        if (used.Contains(Id))
        {
            throw QueryErrors.Unsupported(
                $"Index range on {indexName} constrains `_id`, which is not supported yet; use db.get(id) instead.");
        }

        var equalities = used.Take(split.Equalities.Count).Select(f => split.Equalities[f]).ToImmutableArray();
        Invariant.Assert(equalities.Length + (split.BoundField is null ? 0 : 1) <= fields.Length);
        return new IndexRange(equalities, split.Lower, split.Upper);
    }

    private static void CheckPrefix(
        string indexName, ImmutableArray<FieldPath> fields, ImmutableArray<FieldPath> withId, List<FieldPath> used)
    {
        // Every used field is a distinct index field, so `used` is never longer than the index.
        Invariant.Assert(used.Count <= withId.Length);
        for (var i = 0; i < used.Count; i++)
        {
            if (!used[i].Equals(withId[i]))
            {
                throw QueryErrors.InvalidIndexRange(indexName, fields, used, used[i]);
            }
        }
    }

    private static SplitRange Split(ImmutableArray<RangeExpression> range, string indexName)
    {
        // Sorted like the backend's map of equalities, so that the first FieldNotInIndex reported matches.
        var equalities = new SortedDictionary<FieldPath, ConvexValue?>(FieldPathComparer.Instance);
        FieldPath? boundField = null;
        RangeBound? lower = null;
        RangeBound? upper = null;
        foreach (var expression in range)
        {
            if (expression.Operator == RangeOperator.Eq)
            {
                if (!equalities.TryAdd(expression.Field, expression.Value))
                {
                    throw QueryErrors.AlreadyDefinedBound("equality", expression.Field, "==",
                        equalities[expression.Field]);
                }

                continue;
            }

            var isUpper = expression.Operator is RangeOperator.Lt or RangeOperator.Lte;
            var inclusive = expression.Operator is RangeOperator.Gte or RangeOperator.Lte;
            if ((isUpper ? upper : lower) is not null)
            {
                throw QueryErrors.AlreadyDefinedBound(isUpper ? "upper" : "lower", expression.Field,
                    Comparator(expression.Operator), expression.Value);
            }

            if (boundField is not null && !boundField.Equals(expression.Field))
            {
                throw QueryErrors.BoundsOnMultipleFields(indexName, boundField, expression.Field);
            }

            boundField = expression.Field;
            var bound = new RangeBound(expression.Value, inclusive);
            if (isUpper)
            {
                upper = bound;
            }
            else
            {
                lower = bound;
            }
        }

        if (boundField is not null && equalities.TryGetValue(boundField, out var equal))
        {
            throw QueryErrors.AlreadyDefinedBound("inequality", boundField, "==", equal);
        }

        return new SplitRange(equalities, boundField, lower, upper);
    }

    private static string Comparator(RangeOperator op) => op switch
    {
        RangeOperator.Eq => "==",
        RangeOperator.Gt => ">",
        RangeOperator.Gte => ">=",
        RangeOperator.Lt => "<",
        RangeOperator.Lte => "<=",
    };

    private sealed record SplitRange(
        SortedDictionary<FieldPath, ConvexValue?> Equalities,
        FieldPath? BoundField,
        RangeBound? Lower,
        RangeBound? Upper);

    /// <summary>Orders paths component by component (ordinal), a prefix first.</summary>
    private sealed class FieldPathComparer : IComparer<FieldPath>
    {
        public static readonly FieldPathComparer Instance = new();

        public int Compare(FieldPath? x, FieldPath? y)
        {
            Invariant.Assert(x is not null && y is not null);
            var n = Math.Min(x.Parts.Length, y.Parts.Length);
            for (var i = 0; i < n; i++)
            {
                var c = string.CompareOrdinal(x.Parts[i], y.Parts[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Parts.Length.CompareTo(y.Parts.Length);
        }
    }
}
