using Convex.Sim.Core.Values;

namespace Convex.Sim.Functions.Execution;

/// <summary>
/// The authenticated user of a call, as <c>ctx.auth.getUserIdentity()</c> returns it
/// (convex-compat §7.14.4): the token's claims with <c>tokenIdentifier</c>, <c>subject</c> and
/// <c>issuer</c>. Produced by the authentication layer; the runner only passes it through.
/// </summary>
public sealed record UserIdentity(ConvexObject Claims)
{
    public string TokenIdentifier => Claims["tokenIdentifier"] is ConvexString s ? s.Value : "";
}
