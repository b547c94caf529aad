using Convex.Sim.Functions.Hosting;

namespace Convex.Sim.Functions.WebApis;

/// <summary>Installs the web-platform globals that user code and npm packages expect (convex-compat §5.7).</summary>
internal static class WebApiInstaller
{
    public static void Install(JsWorker worker)
    {
        ConsoleApi.Install(worker);
    }
}
