namespace Convex.Sim.Core;

/// <summary>
/// An expected, user-actionable failure (bad value, limit exceeded, OCC conflict, IO error...).
/// <see cref="Code"/> is a stable machine-readable code (Convex's error codes where one exists);
/// the message reads like Convex's own messages.
/// </summary>
public class ConvexException : Exception
{
    public ConvexException(string code, string message) : base(message) => Code = code;

    public ConvexException(string code, string message, Exception inner) : base(message, inner) => Code = code;

    public ConvexException() : this("Unknown", "unknown error") { }

    public ConvexException(string message) : this("Unknown", message) { }

    public ConvexException(string message, Exception inner) : this("Unknown", message, inner) { }

    public string Code { get; }
}

/// <summary>A value violates the value model or one of its limits (size, depth, field names...).</summary>
public sealed class InvalidValueException(string message) : ConvexException("InvalidValue", message);
