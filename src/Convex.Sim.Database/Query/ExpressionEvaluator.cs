using Convex.Sim.Core;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Query;

/// <summary>
/// Evaluates filter expressions against a document (convex-compat §5.6, §7.5). C# null is "missing".
/// Comparisons use the total order of §2.7, so they never fail and missing sorts below null.
/// Arithmetic needs two Int64 (checked: overflow and division by zero are errors) or two Float64
/// (IEEE: division by zero gives ±∞/NaN); Int64 and Float64 never mix. Logic needs booleans and
/// short-circuits, so an operand after the deciding one is not evaluated and cannot fail.
/// Failures are <c>EvalError</c> developer errors worded like the backend's.
/// </summary>
public static class ExpressionEvaluator
{
    /// <summary>Whether a filter keeps <paramref name="document"/>: the predicate must yield a boolean.</summary>
    public static bool Matches(Expression predicate, ConvexObject document) =>
        AsBoolean(Evaluate(predicate, document));

    public static ConvexValue? Evaluate(Expression expression, ConvexObject document) => expression switch
    {
        FieldExpression field => field.Path.GetFrom(document),
        LiteralExpression literal => literal.Value,
        ComparisonExpression comparison => Compare(comparison, document),
        ArithmeticExpression arithmetic => Arithmetic(arithmetic.Operator,
            Evaluate(arithmetic.Left, document), Evaluate(arithmetic.Right, document)),
        NegateExpression negate => Negate(Evaluate(negate.Operand, document)),
        AndExpression and => ConvexBoolean.Of(and.Operands.All(e => AsBoolean(Evaluate(e, document)))),
        OrExpression or => ConvexBoolean.Of(or.Operands.Any(e => AsBoolean(Evaluate(e, document)))),
        NotExpression not => ConvexBoolean.Of(!AsBoolean(Evaluate(not.Operand, document))),
        _ => Invariant.Unreachable<ConvexValue?>("unknown expression type"),
    };

    private static ConvexBoolean Compare(ComparisonExpression comparison, ConvexObject document)
    {
        var left = Evaluate(comparison.Left, document);
        var right = Evaluate(comparison.Right, document);
        var c = ConvexValueComparer.Instance.Compare(left, right);
        return ConvexBoolean.Of(comparison.Operator switch
        {
            ComparisonOperator.Eq => c == 0,
            ComparisonOperator.Neq => c != 0,
            ComparisonOperator.Lt => c < 0,
            ComparisonOperator.Lte => c <= 0,
            ComparisonOperator.Gt => c > 0,
            ComparisonOperator.Gte => c >= 0,
        });
    }

    private static ConvexValue Arithmetic(ArithmeticOperator op, ConvexValue? left, ConvexValue? right) =>
        (left, right) switch
        {
            (ConvexInt64 l, ConvexInt64 r) => new ConvexInt64(IntegerArithmetic(op, l.Value, r.Value)),
            (ConvexFloat64 l, ConvexFloat64 r) => new ConvexFloat64(op switch
            {
                ArithmeticOperator.Add => l.Value + r.Value,
                ArithmeticOperator.Sub => l.Value - r.Value,
                ArithmeticOperator.Mul => l.Value * r.Value,
                ArithmeticOperator.Div => l.Value / r.Value,
                ArithmeticOperator.Mod => l.Value % r.Value, // fmod, like the backend's f64 %
            }),
            _ => throw QueryErrors.Eval(
                $"Cannot {Verb(op)} {QueryErrors.Display(left)} (type {QueryErrors.TypeName(left)}) and " +
                $"{QueryErrors.Display(right)} (type {QueryErrors.TypeName(right)})"),
        };

    private static long IntegerArithmetic(ArithmeticOperator op, long l, long r)
    {
        if (r == 0 && op is ArithmeticOperator.Div or ArithmeticOperator.Mod)
        {
            throw QueryErrors.Eval($"Cannot {Verb(op)} {l} by zero");
        }

        // long.MinValue / -1 and long.MinValue % -1 overflow (C# would throw for both).
        if (r == -1 && l == long.MinValue && op is ArithmeticOperator.Div or ArithmeticOperator.Mod)
        {
            throw OutOfRange(op, l, r);
        }

        try
        {
            return op switch
            {
                ArithmeticOperator.Add => checked(l + r),
                ArithmeticOperator.Sub => checked(l - r),
                ArithmeticOperator.Mul => checked(l * r),
                ArithmeticOperator.Div => l / r,
                ArithmeticOperator.Mod => l % r,
            };
        }
        catch (OverflowException)
        {
            throw OutOfRange(op, l, r);
        }
    }

    private static ConvexValue Negate(ConvexValue? value) => value switch
    {
        ConvexInt64 { Value: long.MinValue } =>
            throw QueryErrors.Eval($"Cannot negate {long.MinValue}: the result is out of range for Int64"),
        ConvexInt64 i => new ConvexInt64(-i.Value),
        ConvexFloat64 f => new ConvexFloat64(-f.Value),
        _ => throw QueryErrors.Eval(
            $"Cannot negate {QueryErrors.Display(value)} (type {QueryErrors.TypeName(value)})"),
    };

    private static bool AsBoolean(ConvexValue? value) => value is ConvexBoolean b
        ? b.Value
        : throw QueryErrors.Eval(
            $"Cannot use value {QueryErrors.Display(value)} (type {QueryErrors.TypeName(value)}) as a Boolean");

    private static Errors.DatabaseUsageException OutOfRange(ArithmeticOperator op, long l, long r) =>
        QueryErrors.Eval($"Cannot {Verb(op)} {l} and {r}: the result is out of range for Int64");

    private static string Verb(ArithmeticOperator op) => op switch
    {
        ArithmeticOperator.Add => "add",
        ArithmeticOperator.Sub => "subtract",
        ArithmeticOperator.Mul => "multiply",
        ArithmeticOperator.Div => "divide",
        ArithmeticOperator.Mod => "mod",
    };
}
