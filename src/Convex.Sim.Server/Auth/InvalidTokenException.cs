namespace Convex.Sim.Server.Auth;

/// <summary>
/// An expected refusal of a user token (malformed, unknown issuer, bad signature, expired...). The
/// message goes to the client as is (an <c>AuthError</c> or a 401 <c>InvalidAuthHeader</c>).
/// </summary>
internal sealed class InvalidTokenException(string message) : Exception(message);
