using Convex.Sim.Core;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// A schema that the backend would refuse at push time: malformed export JSON (code
/// <c>InvalidSchema</c>), a bad document validator, or an index rule broken (§7.4). <see cref="ConvexException.Code"/>
/// is the backend's short code where it has one (<c>EmptyIndex</c>, <c>IndexNotUnique</c>,
/// <c>TooManyIndexes</c>, <c>IndexFieldsContainId</c>, ...); the message names the table and index.
/// </summary>
public sealed class SchemaDefinitionException(string code, string message) : ConvexException(code, message);
