using Convex.Sim.Core;

namespace Convex.Sim.Server.Deployment;

/// <summary>Replaces a small file atomically: write a temporary file, flush it to disk, rename it over the old one.</summary>
internal static class DurableFile
{
    /// <param name="ownerOnly">Readable by the owner only (secrets), set before the file takes its name.</param>
    public static void Replace(string path, ReadOnlySpan<byte> contents, bool ownerOnly = false)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }

        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
        Invariant.Assert(File.Exists(path));
    }
}
