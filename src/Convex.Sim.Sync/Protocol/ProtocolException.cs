using Convex.Sim.Core;

namespace Convex.Sim.Sync.Protocol;

/// <summary>
/// The client broke the protocol (malformed JSON, an unknown message, a version mismatch): the
/// session answers with a <see cref="FatalError"/> carrying this message and ends.
/// </summary>
public sealed class ProtocolException(string message) : ConvexException("BadClientMessage", message);
