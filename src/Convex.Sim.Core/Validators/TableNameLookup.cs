using Convex.Sim.Core.Ids;

namespace Convex.Sim.Core.Validators;

/// <summary>
/// Maps a table number (from inside a document ID) to the table's name, or null when no table has
/// that number. Supplied by the caller, which knows the catalog (including virtual system tables
/// such as <c>_storage</c>); <c>v.id("t")</c> validation needs it.
/// </summary>
public delegate string? TableNameLookup(TableNumber table);
