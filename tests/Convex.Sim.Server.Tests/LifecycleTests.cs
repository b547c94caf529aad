namespace Convex.Sim.Server.Tests;

/// <summary>Start, stop and restart on the same data directory.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Restart_keeps_the_admin_key_and_the_data()
    {
        string adminKey;
        string dataDirectory;
        await using (var first = await TestServer.StartAsync())
        {
            dataDirectory = first.DataDirectory;
            adminKey = first.Server.Identity.AdminKey;
            Assert.StartsWith("convex-sim|", adminKey, StringComparison.Ordinal);
            var (_, sent) = await first.PostAsync("/api/mutation",
                """{"path":"messages:send","args":{"author":"d","body":"durable","channel":"restart"}}""");
            Assert.Equal("success", sent.GetProperty("status").GetString());
            await first.StopAsync();
            Assert.True(File.Exists(Path.Combine(dataDirectory, ConvexServer.DatabaseFileName)));
            Assert.True(File.Exists(Path.Combine(dataDirectory, InstanceIdentity.SecretFileName)));
            var keyFile = Path.Combine(dataDirectory, InstanceIdentity.AdminKeyFileName);
            Assert.Equal(adminKey, File.ReadAllText(keyFile).Trim());

            await using var second = await TestServer.StartAsync(dataDirectory);
            Assert.Equal(adminKey, second.Server.Identity.AdminKey);
            var (status, listed) = await second.PostAsync("/api/function",
                """{"path":"messages:list","args":{"channel":"restart"},"format":"json"}""", adminKey);
            Assert.Equal(200, status);
            var message = Assert.Single(listed.GetProperty("value").EnumerateArray());
            Assert.Equal("durable", message.GetProperty("body").GetString());
        }

        Assert.False(Directory.Exists(dataDirectory));
    }

    [Fact]
    public async Task Shutdown_lets_a_request_in_flight_finish()
    {
        await using var server = await TestServer.StartAsync();
        var action = server.PostAsync("/api/action", """{"path":"actions:sleep","args":{"ms":500},"format":"json"}""");
        // Wait (bounded) until the server has the request; the test is about what happens next.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (server.Server.RequestsInFlight == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestServer.Ct);
        }

        Assert.Equal(1, server.Server.RequestsInFlight);
        await server.Server.StopAsync(TestServer.Ct);
        var (status, body) = await action;
        Assert.Equal(200, status);
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("value").GetProperty("elapsed").GetDouble() >= 500);
        Assert.Equal(0, server.Server.RequestsInFlight);
    }

    [Fact]
    public async Task Without_a_deployment_every_function_is_unknown()
    {
        await using var server = await TestServer.StartAsync(deploy: false);
        var (status, body) = await server.PostAsync("/api/query", """{"path":"messages:list","args":{}}""");
        Assert.Equal(200, status);
        Assert.Equal("error", body.GetProperty("status").GetString());
    }
}
