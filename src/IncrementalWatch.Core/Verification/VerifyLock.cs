namespace IncrementalWatch.Verification;

/// <summary>
/// Keeps verifications of one workspace from running at once: a solution's projects are
/// verified by parallel MSBuild nodes, and their inner builds share referenced projects. An
/// exclusive lock on a file under the temp folder, released when disposed or when the process
/// ends (the OS drops it), so a killed verifier never blocks the next one.
/// </summary>
public sealed class VerifyLock : IDisposable
{
    private readonly FileStream _stream;

    private VerifyLock(FileStream stream) => _stream = stream;

    public static async Task<VerifyLock> AcquireAsync(string workspaceRoot, TimeSpan timeout, CancellationToken cancellation = default)
    {
        string key = FileSystem.ContentHash.OfText(Path.GetFullPath(workspaceRoot)).ToString()[..16];
        string path = Path.Combine(Path.GetTempPath(), $"incrementalwatch-verify-{key}.lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // The file stays: deleting it on close would let a third waiter lock a new file at the
                // same path while a second one holds the old, unlinked one.
                return new VerifyLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cancellation).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
