namespace IncrementalWatch.FileSystem;

/// <summary>
/// What the file system says about a file without reading it: enough to decide that an
/// unchanged file need not be hashed again (the way git's index decides).
/// </summary>
/// <param name="Exists">False when the path names no file.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="ModifiedNs">Last write time, nanoseconds since the Unix epoch (UTC).</param>
/// <param name="ChangedNs">Inode change time (Unix) or change time (Windows); 0 when unknown.</param>
/// <param name="Device">Device number; 0 when unknown.</param>
/// <param name="FileId">Inode or file index; 0 when unknown.</param>
/// <param name="Trusted">
/// True when the facts include a change time and a file id. Only then can an unchanged stat
/// prove unchanged content: a same-size edit whose modification time was put back still moves
/// the change time, and a rename over the file changes the id.
/// </param>
public readonly record struct FileFacts(
    bool Exists,
    long Length,
    long ModifiedNs,
    long ChangedNs,
    ulong Device,
    ulong FileId,
    bool Trusted)
{
    public static readonly FileFacts Missing = new(false, 0, 0, 0, 0, 0, Trusted: true);

    /// <summary>The newer of the modification and change times.</summary>
    public long LatestNs => Math.Max(ModifiedNs, ChangedNs);
}
