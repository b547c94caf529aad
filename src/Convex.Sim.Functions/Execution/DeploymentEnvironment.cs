namespace Convex.Sim.Functions.Execution;

/// <summary>
/// What <c>process.env</c> shows a function (convex-compat §7.13): the user's variables plus the
/// built-in <c>CONVEX_CLOUD_URL</c> and <c>CONVEX_SITE_URL</c>, which take precedence. Data handed
/// to the runner by its host: nothing below the server reads the real process environment.
/// </summary>
public sealed record DeploymentEnvironment(EnvironmentVariables Variables, string? CloudUrl, string? SiteUrl)
{
    public static DeploymentEnvironment Empty { get; } = new(EnvironmentVariables.Empty, null, null);

    public string? Get(string name) => name switch
    {
        "CONVEX_CLOUD_URL" => CloudUrl,
        "CONVEX_SITE_URL" => SiteUrl,
        _ => Variables.Get(name),
    };
}
