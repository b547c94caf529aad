using Convex.Sim.Core;
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

    /// <summary>
    /// The identity an admin acts as (<c>Authenticate.impersonating</c>, the
    /// <c>Convex &lt;key&gt;:&lt;base64&gt;</c> header): a user-identity attribute object, which must
    /// name the user by <c>tokenIdentifier</c> or by <c>issuer</c> and <c>subject</c>. A missing
    /// <c>tokenIdentifier</c> is derived from the latter, as a token's would be.
    /// </summary>
    public static UserIdentity FromAttributes(ConvexObject attributes)
    {
        if (attributes["tokenIdentifier"] is ConvexString)
        {
            return new UserIdentity(attributes);
        }

        if (attributes["issuer"] is ConvexString issuer && attributes["subject"] is ConvexString subject)
        {
            var tokenIdentifier = new ConvexString($"{issuer.Value}|{subject.Value}");
            var identity = new UserIdentity(attributes.With("tokenIdentifier", tokenIdentifier));
            Invariant.Assert(identity.TokenIdentifier.Length > 0);
            return identity;
        }

        throw new ConvexException("InvalidIdentityAttributes",
            "The identity to act as must have a string \"tokenIdentifier\", or string \"issuer\" and \"subject\"");
    }
}
