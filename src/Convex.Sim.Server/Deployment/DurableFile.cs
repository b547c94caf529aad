using Convex.Sim.Core;

namespace Convex.Sim.Server.Deployment;

/// <summary>Replaces a small file atomically: write a temporary file, flush it to disk, rename it over the old one.</summary>
internal static class DurableFile
{
    public static void Replace(string path, ReadOnlySpan<byte> contents)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        Invariant.Assert(File.Exists(path));
    }
}
