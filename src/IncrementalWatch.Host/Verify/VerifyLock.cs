using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Verify;

/// <summary>
/// Keeps verifications of one workspace from running at once (their inner builds share
/// projects). An exclusive lock on a file under the temp folder, released when disposed or when
/// the process ends (the OS drops it), so a killed verifier never blocks the next one.
/// </summary>
/// <remarks>
/// The file is removed on release, so nothing accumulates in the temp folder. Removing a lock
/// file is only safe when a waiter can tell that the file it locked is still the one at the
/// path: a holder removes it while still holding it, and a waiter that then gets the lock on the
/// removed file sees that the path names another file (or none) and tries again. Windows opens
/// the file delete-on-close and refuses other opens while it is held, which gives the same.
/// Where neither can be told (macOS, other Unixes), the empty file is left, one per workspace.
/// </remarks>
public sealed class VerifyLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;
    private readonly bool _removeOnRelease;

    private VerifyLock(FileStream stream, string path, bool removeOnRelease)
    {
        _stream = stream;
        _path = path;
        _removeOnRelease = removeOnRelease;
    }

    /// <summary>The lock file for a workspace: one name per workspace root, in the temp folder.</summary>
    public static string PathFor(string workspaceRoot)
    {
        string key = ContentHash.OfText(Path.GetFullPath(workspaceRoot)).ToString()[..16];
        return Path.Combine(Path.GetTempPath(), $"incrementalwatch-verify-{key}.lock");
    }

    public static async Task<VerifyLock> AcquireAsync(string workspaceRoot, TimeSpan timeout, CancellationToken cancellation = default)
    {
        string path = PathFor(workspaceRoot);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            FileStream? stream = null;
            try
            {
                var options = OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None;
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, options);
                if (OperatingSystem.IsWindows())
                {
                    return new VerifyLock(stream, path, removeOnRelease: false);
                }

                switch (FileFactsReader.IsSameFile(stream.SafeFileHandle, path))
                {
                    case true:
                        return new VerifyLock(stream, path, removeOnRelease: true);
                    case null:
                        return new VerifyLock(stream, path, removeOnRelease: false);
                    default:
                        // The holder removed it between our open and our lock: take the new one.
                        stream.Dispose();
                        continue;
                }
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                stream?.Dispose();
                await Task.Delay(250, cancellation).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        if (_removeOnRelease)
        {
            try
            {
                File.Delete(_path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next run to reuse.
            }
        }

        _stream.Dispose();
    }
}
