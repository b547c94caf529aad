using System.Collections.Immutable;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Database.Query;

/// <summary>
/// A filter expression (convex-compat §5.6, §7.5). Evaluates to a value or to "missing" (C# null);
/// see <see cref="ExpressionEvaluator"/> for the semantics.
/// </summary>
public abstract record Expression
{
    private protected Expression() { }
}

/// <summary><c>{"$field": "a.b"}</c>: the document's value at the path, missing when absent.</summary>
public sealed record FieldExpression(FieldPath Path) : Expression;

/// <summary><c>{"$literal": v}</c>; a null <see cref="Value"/> is the literal <c>undefined</c>.</summary>
public sealed record LiteralExpression(ConvexValue? Value) : Expression;

public enum ComparisonOperator
{
    Eq = 1,
    Neq = 2,
    Lt = 3,
    Lte = 4,
    Gt = 5,
    Gte = 6,
}

/// <summary>Compares two values by the total order of §2.7 (missing lowest); any types may be compared.</summary>
public sealed record ComparisonExpression(ComparisonOperator Operator, Expression Left, Expression Right)
    : Expression;

public enum ArithmeticOperator
{
    Add = 1,
    Sub = 2,
    Mul = 3,
    Div = 4,
    Mod = 5,
}

/// <summary>Arithmetic on two Int64 (checked) or two Float64 (IEEE); mixing types is an error.</summary>
public sealed record ArithmeticExpression(ArithmeticOperator Operator, Expression Left, Expression Right)
    : Expression;

/// <summary><c>{"$neg": e}</c> on an Int64 (checked) or a Float64.</summary>
public sealed record NegateExpression(Expression Operand) : Expression;

/// <summary><c>{"$and": [...]}</c>: booleans only, stops at the first false (empty is true).</summary>
public sealed record AndExpression(ImmutableArray<Expression> Operands) : Expression;

/// <summary><c>{"$or": [...]}</c>: booleans only, stops at the first true (empty is false).</summary>
public sealed record OrExpression(ImmutableArray<Expression> Operands) : Expression;

/// <summary><c>{"$not": e}</c> on a boolean.</summary>
public sealed record NotExpression(Expression Operand) : Expression;
