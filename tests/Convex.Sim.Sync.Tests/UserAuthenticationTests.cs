using System.Text.Json;
using Convex.Sim.Core;
using Convex.Sim.Core.Values;
using Convex.Sim.Functions.Execution;
using Convex.Sim.Runtime;
using Convex.Sim.Runtime.Network;
using static Convex.Sim.Sync.Tests.SyncHarness;

namespace Convex.Sim.Sync.Tests;

/// <summary>
/// User authentication over a session (convex-compat §3.9, §7.14): an accepted token bumps the
/// identity version and re-runs queries as the user; a refused one is an <c>AuthError</c> and a
/// close; an expired one ends the session before anything else runs; two users never share a
/// query execution; an admin can act as a user. Tokens are checked by a stand-in validator:
/// <c>name@seconds</c> is user <c>name</c> valid for that long, anything else is refused.
/// </summary>
public sealed class UserAuthenticationTests
{
    private const string Issuer = "https://idp.example.com";
    private const string WhoAmI =
        """{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Add","queryId":0,"udfPath":"messages:whoami","args":[{}]}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SyncSessionOptions Options(TimeProvider clock) => new()
    {
        IsAdminKey = key => key == "the-key",
        ValidateUserToken = (token, _) =>
        {
            var at = token.IndexOf('@', StringComparison.Ordinal);
            if (at < 0)
            {
                return ValueTask.FromResult(UserTokenValidation.Invalid($"Token \"{token}\" is not one of ours"));
            }

            var name = token[..at];
            var claims = (ConvexObject)ConvexJson.Decode(
                $$"""{"tokenIdentifier":"{{Issuer}}|{{name}}","issuer":"{{Issuer}}","subject":"{{name}}"}""");
            var expiresAt = clock.GetUtcNow().AddSeconds(int.Parse(token[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.FromResult(UserTokenValidation.Valid(new UserIdentity(claims), expiresAt));
        },
    };

    private static (InMemoryTransport Client, Task Running, ShiftedRuntime Runtime) OpenSession(Backend backend)
    {
        var runtime = new ShiftedRuntime(backend.Runtime);
        var transport = new InMemoryTransport();
        var session = new SyncSession(
            backend.Runner, backend.Database, runtime, transport, backend.Subscriptions, Options(runtime.Time));
        return (transport, session.RunAsync(Ct), runtime);
    }

    private static string Authenticate(string tokenType, string? value, uint baseVersion) => value is null
        ? $$"""{"type":"Authenticate","tokenType":"{{tokenType}}","baseVersion":{{baseVersion}}}"""
        : $$"""{"type":"Authenticate","tokenType":"{{tokenType}}","value":"{{value}}","baseVersion":{{baseVersion}}}""";

    private static string Value(JsonElement transition) =>
        transition.GetProperty("modifications")[0].GetProperty("value").GetRawText();

    private static int Identity(JsonElement transition, string version) =>
        transition.GetProperty(version).GetProperty("identity").GetInt32();

    [Fact]
    public async Task An_accepted_token_bumps_the_identity_and_queries_rerun_as_the_user_until_it_is_cleared()
    {
        var backend = await StartBackendAsync();
        var (client, running, _) = OpenSession(backend);
        client.Send(WhoAmI);
        Assert.Equal("null", Value(await ExpectAsync(client, "Transition")));

        client.Send(Authenticate("User", "alice@60", 0));
        var confirmed = await ExpectAsync(client, "Transition");
        Assert.Equal(0, Identity(confirmed, "startVersion"));
        Assert.Equal(1, Identity(confirmed, "endVersion"));
        Assert.Equal(
            """{"issuer":"https://idp.example.com","subject":"alice","tokenIdentifier":"https://idp.example.com|alice"}""",
            Value(confirmed));

        client.Send(Authenticate("None", null, 1));
        var cleared = await ExpectAsync(client, "Transition");
        Assert.Equal(2, Identity(cleared, "endVersion"));
        Assert.Equal("null", Value(cleared));
        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task A_refused_token_is_an_auth_error_with_update_attempted_and_a_close()
    {
        var backend = await StartBackendAsync();
        var (client, running, _) = OpenSession(backend);
        client.Send(Authenticate("User", "garbage", 0));
        var error = await ExpectAsync(client, "AuthError");
        Assert.True(error.GetProperty("authUpdateAttempted").GetBoolean());
        Assert.Equal(0, error.GetProperty("baseVersion").GetInt32());
        Assert.Equal("Token \"garbage\" is not one of ours", error.GetProperty("error").GetString());
        await running;
        Assert.Equal("AuthError", client.CloseReason);
    }

    [Fact]
    public async Task An_expired_token_ends_the_session_before_the_next_mutation_runs()
    {
        var backend = await StartBackendAsync();
        var (client, running, runtime) = OpenSession(backend);
        client.Send(Authenticate("User", "alice@60", 0));
        await ExpectAsync(client, "Transition");

        runtime.Shift(TimeSpan.FromSeconds(61));
        client.Send(Send(1, "expired", "too late"));
        var error = await ExpectAsync(client, "AuthError");
        Assert.False(error.GetProperty("authUpdateAttempted").GetBoolean());
        Assert.Equal(1, error.GetProperty("baseVersion").GetInt32());
        client.Disconnect(); // the close came from the mutation loop; the client answers it
        await running;
        Assert.Equal("AuthError", client.CloseReason);
        var count = await backend.Runner.RunQueryAsync(
            new FunctionCall("messages:list", (ConvexObject)ConvexJson.Decode("""{"channel":"expired"}""")), Ct);
        Assert.Empty(((ConvexArray)count.Value!).Items);
    }

    [Fact]
    public async Task Two_users_watching_the_same_query_each_see_themselves()
    {
        var backend = await StartBackendAsync();
        var (alice, aliceRunning, _) = OpenSession(backend);
        var (bob, bobRunning, _) = OpenSession(backend);
        alice.Send(Authenticate("User", "alice@60", 0));
        bob.Send(Authenticate("User", "bob@60", 0));
        await ExpectAsync(alice, "Transition");
        await ExpectAsync(bob, "Transition");

        alice.Send(WhoAmI);
        bob.Send(WhoAmI);
        Assert.Contains("\"subject\":\"alice\"", Value(await ExpectAsync(alice, "Transition")), StringComparison.Ordinal);
        Assert.Contains("\"subject\":\"bob\"", Value(await ExpectAsync(bob, "Transition")), StringComparison.Ordinal);
        alice.Disconnect();
        bob.Disconnect();
        await Task.WhenAll(aliceRunning, bobRunning);
    }

    [Fact]
    public async Task An_admin_impersonating_a_user_runs_as_that_user_with_internal_functions_open()
    {
        var backend = await StartBackendAsync();
        var (client, running, _) = OpenSession(backend);
        client.Send("""{"type":"Authenticate","tokenType":"Admin","value":"the-key","baseVersion":0,"actingAs":{"issuer":"https://i","subject":"s1","name":"Sam"}}""");
        await ExpectAsync(client, "Transition");
        client.Send(WhoAmI);
        Assert.Equal(
            """{"issuer":"https://i","name":"Sam","subject":"s1","tokenIdentifier":"https://i|s1"}""",
            Value(await ExpectAsync(client, "Transition")));
        client.Send("""{"type":"Mutation","requestId":1,"udfPath":"messages:internalSend","args":[{"author":"a","body":"b","channel":"acting"}]}""");
        Assert.True((await ExpectAsync(client, "MutationResponse")).GetProperty("success").GetBoolean());
        client.Disconnect();
        await running;
    }

    [Fact]
    public async Task Impersonation_without_a_user_name_is_refused()
    {
        var backend = await StartBackendAsync();
        var (client, running, _) = OpenSession(backend);
        client.Send("""{"type":"Authenticate","tokenType":"Admin","value":"the-key","baseVersion":0,"impersonating":{"name":"nobody"}}""");
        var error = await ExpectAsync(client, "AuthError");
        Assert.Contains("tokenIdentifier", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        await running;
    }

    /// <summary>The backend's runtime with a clock a test can move forward (the session's only clock).</summary>
    private sealed class ShiftedRuntime(IRuntime inner) : IRuntime
    {
        private readonly ShiftedClock _clock = new();

        public TimeProvider Time => _clock;

        public IRandom Random => inner.Random;

        public Buggify Buggify => inner.Buggify;

        public IHttpFetcher Http => inner.Http;

        public Task Spawn(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
            inner.Spawn(name, work, cancellationToken);

        public void Shift(TimeSpan by) => _clock.Offset += by;
    }

    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
