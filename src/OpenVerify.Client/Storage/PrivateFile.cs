using System.Security.Cryptography;

namespace OpenVerify.Client;

/// <summary>
/// Owner-only files and directories (0600 / 0700 where Unix modes exist), written atomically:
/// a temporary file in the same directory, flushed to disk, then moved over the target.
/// </summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the directory (owner-only on Unix) if it does not exist.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            // Note: on Windows the per-user profile directory's ACL is the protection; no mode to set.
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerAll);
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically: readers see the old
    /// or the new content, never a torn write, even if the process dies half-way.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, overwrite: true);

    /// <summary>Writes <paramref name="path"/> only if it does not exist yet; false when it already did.</summary>
    public static bool TryCreate(string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            Write(path, bytes, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    private static void Write(string path, ReadOnlySpan<byte> bytes, bool overwrite)
    {
        var temporary = path + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
