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
var engineStatics = Task.Run(() =>
{
    try
    {
        Convex.Sim.Functions.Hosting.EngineStatics.Initialize(TimeProvider.System);
    }
    catch (Exception e)
    {
        // Only a warm-up: the first push or call pays these costs instead.
        Console.Error.WriteLine($"warning: the function runner's start-up warm-up failed: {e.Message}");
    }
});

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
await engineStatics;
await server.WaitForShutdownAsync(CancellationToken.None);
await server.StopAsync(CancellationToken.None);
return 0;
