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

// The function runner's one-off start-up costs (Jint's time-zone table, about half a second, and the
// JIT of its parser and interpreter) run next to the start-up below instead of inside the first push
// or function call (Hosting/EngineStatics.cs).
var engineStatics = Task.Run(() => Convex.Sim.Functions.Hosting.EngineStatics.Initialize(TimeProvider.System));

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
await engineStatics; // surfaces a failure of the warm-up (a bug: it runs fixed code)
await server.WaitForShutdownAsync(CancellationToken.None);
await server.StopAsync(CancellationToken.None);
return 0;
