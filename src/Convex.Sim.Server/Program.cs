using Convex.Sim.Server;

ServerOptions options;
try
{
    options = ServerOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}\n\n{ServerOptions.Usage}");
    return 2;
}

await using var server = await ConvexServer.StartAsync(
    options, runnerOptions: null, configureLogging: null, CancellationToken.None);
Console.WriteLine($"""

    Convex.Sim backend {ConvexServer.Version} is running.
      Deployment URL:   {server.Url.ToString().TrimEnd('/')}
      HTTP actions URL: {server.SiteUrl.ToString().TrimEnd('/')} (not served yet)
      Admin key:        {server.Identity.AdminKey}
      Data directory:   {Path.GetFullPath(options.DataDirectory)}
    Press Ctrl-C to stop.

    """);
await server.WaitForShutdownAsync(CancellationToken.None);
await server.StopAsync(CancellationToken.None);
return 0;
