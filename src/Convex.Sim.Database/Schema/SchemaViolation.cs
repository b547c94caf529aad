using Convex.Sim.Core.Validators;

namespace Convex.Sim.Database.Schema;

/// <summary>
/// A document that does not match its table's schema. <see cref="DocumentId"/> is known for stored
/// documents (push-time checks) and null for a write being enforced; <see cref="Message"/> is the
/// backend's wording for each case.
/// </summary>
public sealed record SchemaViolation(string Table, string? DocumentId, ValidationError Error)
{
    public string Message => DocumentId is null
        ? $"Failed to insert or update a document in table \"{Table}\" because it does not match the schema: " +
          Error.Message
        : $"Document with ID \"{DocumentId}\" in table \"{Table}\" does not match the schema: {Error.Message}";

    public override string ToString() => Message;
}
