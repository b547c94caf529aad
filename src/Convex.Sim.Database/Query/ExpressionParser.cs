using System.Collections.Immutable;
using System.Text.Json;

namespace Convex.Sim.Database.Query;

/// <summary>
/// Reads the filter expression grammar of §5.6: every node is an object with exactly one key.
/// Binary operators take a two-element array, <c>$neg</c>/<c>$not</c> take one expression,
/// <c>$and</c>/<c>$or</c> take an array of any length.
/// </summary>
internal static class ExpressionParser
{
    public static Expression Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw QueryErrors.InvalidQuery(
                $"a filter expression must be an object such as {{\"$eq\": [a, b]}}, got {json.GetRawText()}");
        }

        var properties = json.EnumerateObject().ToList();
        if (properties.Count != 1)
        {
            throw QueryErrors.InvalidQuery($"a filter expression must have exactly one key, got {json.GetRawText()}");
        }

        var (name, operand) = (properties[0].Name, properties[0].Value);
        return name switch
        {
            "$field" => ParseField(operand),
            "$literal" => new LiteralExpression(SerializedQueryParser.ParseValue(operand)),
            "$eq" => Comparison(ComparisonOperator.Eq, name, operand),
            "$neq" => Comparison(ComparisonOperator.Neq, name, operand),
            "$lt" => Comparison(ComparisonOperator.Lt, name, operand),
            "$lte" => Comparison(ComparisonOperator.Lte, name, operand),
            "$gt" => Comparison(ComparisonOperator.Gt, name, operand),
            "$gte" => Comparison(ComparisonOperator.Gte, name, operand),
            "$add" => Arithmetic(ArithmeticOperator.Add, name, operand),
            "$sub" => Arithmetic(ArithmeticOperator.Sub, name, operand),
            "$mul" => Arithmetic(ArithmeticOperator.Mul, name, operand),
            "$div" => Arithmetic(ArithmeticOperator.Div, name, operand),
            "$mod" => Arithmetic(ArithmeticOperator.Mod, name, operand),
            "$neg" => new NegateExpression(Parse(operand)),
            "$not" => new NotExpression(Parse(operand)),
            "$and" => new AndExpression(ParseList(name, operand)),
            "$or" => new OrExpression(ParseList(name, operand)),
            _ => throw QueryErrors.InvalidQuery($"unknown filter operator \"{name}\""),
        };
    }

    private static FieldExpression ParseField(JsonElement operand)
    {
        SerializedQueryParser.RequireKind(operand, JsonValueKind.String, "`$field`");
        return new FieldExpression(SerializedQueryParser.ParseFieldPath(operand.GetString()!));
    }

    private static ComparisonExpression Comparison(ComparisonOperator op, string name, JsonElement operand)
    {
        var (left, right) = ParsePair(name, operand);
        return new ComparisonExpression(op, left, right);
    }

    private static ArithmeticExpression Arithmetic(ArithmeticOperator op, string name, JsonElement operand)
    {
        var (left, right) = ParsePair(name, operand);
        return new ArithmeticExpression(op, left, right);
    }

    private static (Expression Left, Expression Right) ParsePair(string name, JsonElement operand)
    {
        if (operand.ValueKind != JsonValueKind.Array || operand.GetArrayLength() != 2)
        {
            throw QueryErrors.InvalidQuery($"`{name}` takes an array of exactly two expressions");
        }

        return (Parse(operand[0]), Parse(operand[1]));
    }

    private static ImmutableArray<Expression> ParseList(string name, JsonElement operand)
    {
        if (operand.ValueKind != JsonValueKind.Array)
        {
            throw QueryErrors.InvalidQuery($"`{name}` takes an array of expressions");
        }

        return operand.EnumerateArray().Select(Parse).ToImmutableArray();
    }
}
