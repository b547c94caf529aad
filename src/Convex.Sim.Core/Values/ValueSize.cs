using System.Text;

namespace Convex.Sim.Core.Values;

/// <summary>
/// The official size formula of a value (convex-compat §2.6), which also drives the bytes-read and
/// bytes-written limits: null/boolean 1; Int64/Float64 9; string and bytes 2 + byte length (UTF-8 for
/// strings); array 2 + Σ elements; object 2 + Σ(name length + 1 + value size).
/// Containers are immutable, so their size is computed once and remembered (a benign race at worst
/// computes it twice).
/// </summary>
public static class ValueSize
{
    public static long Of(ConvexValue value) => value switch
    {
        ConvexNull or ConvexBoolean => 1,
        ConvexInt64 or ConvexFloat64 => 9,
        ConvexString s => 2 + Encoding.UTF8.GetByteCount(s.Value),
        ConvexBytes b => 2 + b.Value.Length,
        ConvexArray a => a.MemoizedSize >= 0 ? a.MemoizedSize : a.MemoizedSize = 2 + SumOf(a),
        ConvexObject o => o.MemoizedSize >= 0 ? o.MemoizedSize : o.MemoizedSize = 2 + SumOf(o),
        _ => Invariant.Unreachable<long>("unknown value kind"),
    };

    private static long SumOf(ConvexArray array)
    {
        long total = 0;
        foreach (var item in array.Items)
        {
            total += Of(item);
        }

        return total;
    }

    private static long SumOf(ConvexObject obj)
    {
        long total = 0;
        foreach (var (name, field) in obj.Fields)
        {
            total += Encoding.UTF8.GetByteCount(name) + 1 + Of(field);
        }

        return total;
    }
}
