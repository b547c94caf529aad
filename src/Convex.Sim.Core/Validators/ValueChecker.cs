using System.Globalization;
using Convex.Sim.Core.Ids;
using Convex.Sim.Core.Values;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// One walk of a value against a validator, in the backend's order (so the first error found is
/// the one it would report): array elements in order; record entries in field order, key before
/// value; object validator fields in name order (missing required ones fail there), then the
/// object's own fields for extras. The path is a stack of segments (<c>.name</c>, <c>[i]</c>,
/// <c>.keys()</c>, <c>.values()</c>) joined only when an error is created.
/// </summary>
internal sealed class ValueChecker(TableNameLookup tableNames)
{
    private readonly List<string> _path = [];

    public ValidationError? Check(Validator validator, ConvexValue value)
    {
        var depth = _path.Count;
        var error = validator.Kind switch
        {
            ValidatorKind.Null => Expect(value is ConvexNull, validator, value),
            ValidatorKind.Float64 => Expect(value is ConvexFloat64, validator, value),
            ValidatorKind.Int64 or ValidatorKind.CommitTs => Expect(value is ConvexInt64, validator, value),
            ValidatorKind.Boolean => Expect(value is ConvexBoolean, validator, value),
            ValidatorKind.String => Expect(value is ConvexString, validator, value),
            ValidatorKind.Bytes => Expect(value is ConvexBytes, validator, value),
            ValidatorKind.Any => null,
            ValidatorKind.Literal => value.Equals(((LiteralValidator)validator).Value)
                ? null
                : Error(ValidationErrorKind.LiteralMismatch, value, validator),
            ValidatorKind.Id => CheckId((IdValidator)validator, value),
            ValidatorKind.Array => CheckArray((ArrayValidator)validator, value),
            ValidatorKind.Record => CheckRecord((RecordValidator)validator, value),
            ValidatorKind.Object => CheckObject((ObjectValidator)validator, value),
            ValidatorKind.Union => CheckUnion((UnionValidator)validator, value),
        };

        // Every push below is paired with a pop, including on the error paths.
        Invariant.Assert(_path.Count == depth);
        return error;
    }

    private ValidationError? Expect(bool matches, Validator validator, ConvexValue value) =>
        matches ? null : Error(ValidationErrorKind.NoMatch, value, validator);

    private ValidationError? CheckId(IdValidator validator, ConvexValue value)
    {
        // An undecodable string, or an ID of a table that does not exist, is a plain type mismatch.
        if (value is not ConvexString text
            || !DocumentIdCodec.TryDecode(text.Value, out var id)
            || tableNames(id.Table) is not { } table)
        {
            return Error(ValidationErrorKind.NoMatch, value, validator);
        }

        if (table == validator.TableName)
        {
            return null;
        }

        return Validator.IsSystemField(table)
            ? Error(ValidationErrorKind.SystemTableReference, value, validator)
            : Error(ValidationErrorKind.TableNameMismatch, value, validator, table);
    }

    private ValidationError? CheckArray(ArrayValidator validator, ConvexValue value)
    {
        if (value is not ConvexArray array)
        {
            return Error(ValidationErrorKind.NoMatch, value, validator);
        }

        for (var i = 0; i < array.Items.Length; i++)
        {
            if (Nested($"[{i.ToString(CultureInfo.InvariantCulture)}]", validator.Element, array.Items[i]) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private ValidationError? CheckRecord(RecordValidator validator, ConvexValue value)
    {
        if (value is not ConvexObject obj)
        {
            return Error(ValidationErrorKind.NoMatch, value, validator);
        }

        foreach (var (name, field) in obj.Fields)
        {
            var error = Nested(".keys()", validator.Keys, new ConvexString(name))
                ?? Nested(".values()", validator.Values, field);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private ValidationError? CheckObject(ObjectValidator validator, ConvexValue value)
    {
        if (value is not ConvexObject obj)
        {
            return Error(ValidationErrorKind.NoMatch, value, validator);
        }

        foreach (var (name, field) in validator.Fields)
        {
            if (obj[name] is { } present)
            {
                if (Nested("." + name, field.Validator, present) is { } error)
                {
                    return error;
                }
            }
            else if (!field.IsOptional)
            {
                return Error(ValidationErrorKind.MissingRequiredField, obj, validator, name);
            }
        }

        foreach (var name in obj.Fields.Keys)
        {
            if (!validator.Fields.ContainsKey(name))
            {
                return Error(ValidationErrorKind.ExtraField, obj, validator, name);
            }
        }

        return null;
    }

    private ValidationError? CheckUnion(UnionValidator validator, ConvexValue value)
    {
        // A one-member union is transparent: its member's precise error is more useful than "no match".
        if (validator.Members.Length == 1)
        {
            return Check(validator.Members[0], value);
        }

        foreach (var member in validator.Members)
        {
            if (Check(member, value) is null)
            {
                return null;
            }
        }

        return Error(ValidationErrorKind.NoMatch, value, validator);
    }

    private ValidationError? Nested(string segment, Validator validator, ConvexValue value)
    {
        _path.Add(segment);
        var error = Check(validator, value);
        _path.RemoveAt(_path.Count - 1);
        return error;
    }

    private ValidationError Error(
        ValidationErrorKind kind, ConvexValue value, Validator validator, string? detail = null) =>
        new(kind, string.Concat(_path), value, validator, detail);
}
