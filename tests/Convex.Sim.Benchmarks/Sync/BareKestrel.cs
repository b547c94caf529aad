using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Convex.Sim.Benchmarks.Sync;

/// <summary>
/// A bare Kestrel app for the references, configured like the sync endpoint's server (slim builder,
/// no logging, loopback on a free port), so a reference differs from ours only in what it serves.
/// </summary>
internal static class BareKestrel
{
    /// <summary>Builds the app, lets <paramref name="map"/> add its endpoints, starts it and returns its port.</summary>
    public static async Task<(WebApplication App, int Port)> StartAsync(
        Action<WebApplication> map, CancellationToken cancellationToken)
    {
        ListenOptions? listener = null;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listener = listen);
        });
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);
        return (app, listener!.IPEndPoint!.Port);
    }
}
