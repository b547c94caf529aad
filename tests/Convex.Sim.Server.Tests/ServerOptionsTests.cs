namespace Convex.Sim.Server.Tests;

public sealed class ServerOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Defaults_follow_the_official_self_hosted_server()
    {
        var options = ServerOptions.Parse([], NoEnvironment);
        Assert.Equal(3210, options.Port);
        Assert.Equal(3211, options.SitePort);
        Assert.Equal("convex-data", options.DataDirectory);
        Assert.Equal("convex-sim", options.InstanceName);
        Assert.Null(options.AdminKey);
    }

    [Fact]
    public void Command_line_wins_over_the_environment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["CONVEX_PORT"] = "4000",
            ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = "from-env",
        };
        var options = ServerOptions.Parse(["--port", "5000", "--data-dir=data-x", "--instance-name", "demo"],
            name => environment.GetValueOrDefault(name));
        Assert.Equal(5000, options.Port);
        Assert.Equal("data-x", options.DataDirectory);
        Assert.Equal("demo", options.InstanceName);
        Assert.Equal("from-env", options.AdminKey);
    }

    [Theory]
    [InlineData(null, 3600)]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("7d", 604800)]
    public void History_retention_takes_a_duration(string? value, int seconds)
    {
        var options = ServerOptions.Parse(value is null ? [] : ["--history-retention", value], NoEnvironment);
        Assert.Equal(TimeSpan.FromSeconds(seconds), options.HistoryRetention);
    }

    [Fact]
    public void History_retention_forever_keeps_every_version_and_the_environment_sets_it()
    {
        Assert.Null(ServerOptions.Parse(["--history-retention=forever"], NoEnvironment).HistoryRetention);
        var fromEnvironment = ServerOptions.Parse([], name => name == "CONVEX_HISTORY_RETENTION" ? "5m" : null);
        Assert.Equal(TimeSpan.FromMinutes(5), fromEnvironment.HistoryRetention);
    }

    [Theory]
    [InlineData("--history-retention", "2")]
    [InlineData("--history-retention", "h")]
    [InlineData("--history-retention", "0h")]
    [InlineData("--history-retention", "-1h")]
    [InlineData("--history-retention", "1.5h")]
    [InlineData("--history-retention", "never")]
    [InlineData("--bogus", "1")]
    [InlineData("--port", "http")]
    [InlineData("--instance-secret", "abc")]
    [InlineData("--instance-name", "a|b")]
    public void Bad_options_are_refused(string option, string value) =>
        Assert.Throws<ArgumentException>(() => ServerOptions.Parse([option, value], NoEnvironment));

    [Fact]
    public void Admin_key_is_name_bar_mac_and_depends_on_the_secret()
    {
        var secret = new string('a', 64);
        var key = InstanceIdentity.DeriveAdminKey("demo", secret);
        Assert.Matches("^demo\\|[0-9a-f]{64}$", key);
        Assert.Equal(key, InstanceIdentity.DeriveAdminKey("demo", secret));
        Assert.NotEqual(key, InstanceIdentity.DeriveAdminKey("demo", new string('b', 64)));
    }
}
