using Convex.Sim.Core;

namespace Convex.Sim.Storage;

/// <summary>
/// The stored data cannot be opened by this build: a newer format version, or a journal record that
/// fails its checksum. Nothing is changed on disk; the operator must use a matching build.
/// </summary>
public sealed class StorageFormatException(string message) : ConvexException("StorageFormat", message);
