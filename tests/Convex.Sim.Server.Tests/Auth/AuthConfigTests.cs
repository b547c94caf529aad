using System.Buffers;
using System.Text;
using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Server.Auth;

namespace Convex.Sim.Server.Tests.Auth;

/// <summary>Parsing and validating <c>auth.config.js</c>'s export (convex-compat §7.14.1) and the <c>appAuth</c> it becomes.</summary>
public sealed class AuthConfigTests
{
    [Fact]
    public void Both_provider_shapes_are_read_and_written_back_as_app_auth()
    {
        var config = AuthConfig.Parse("""
            {"providers":[
              {"domain":"https://clerk.example.com","applicationID":"convex"},
              {"type":"customJwt","issuer":"https://api.example.com","jwks":"https://api.example.com/jwks","algorithm":"ES256"}
            ]}
            """);

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            config.WriteAppAuth(writer);
        }

        Assert.Equal(
            """[{"domain":"https://clerk.example.com","applicationID":"convex"},""" +
            """{"type":"customJwt","issuer":"https://api.example.com","jwks":"https://api.example.com/jwks","algorithm":"ES256","applicationID":null}]""",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void A_config_without_providers_has_none()
    {
        Assert.Empty(AuthConfig.Parse("{}").Providers);
    }

    [Theory]
    [InlineData("""{"providers":[{"applicationID":"a"}]}""", "providers[0] is missing the string field \"domain\"")]
    [InlineData("""{"providers":[{"domain":"https://a"}]}""", "providers[0] is missing the string field \"applicationID\"")]
    [InlineData("""{"providers":[{"type":"customJwt","issuer":"i","jwks":"https://k","algorithm":"HS256"}]}""", "algorithm is \"HS256\"")]
    [InlineData("""{"providers":[{"type":"customJwt","issuer":"i","jwks":"ftp://k","algorithm":"RS256"}]}""", "jwks \"ftp://k\" is not an http(s) URL")]
    [InlineData("""{"providers":[{"type":"saml","domain":"d"}]}""", "type is \"saml\"")]
    [InlineData("""{"providers":{}}""", "\"providers\" must be an array")]
    [InlineData("""[]""", "must be an object")]
    public void A_bad_provider_fails_with_a_message_naming_it(string json, string message)
    {
        var error = Assert.Throws<ConvexException>(() => AuthConfig.Parse(json));
        Assert.Equal("InvalidAuthConfig", error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
