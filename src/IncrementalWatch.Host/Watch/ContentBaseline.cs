using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// The content each watched file had when the last build started, and what was last seen of it.
/// A file has changed only when its content hash differs from the one the build used; a save
/// of identical bytes, or a touch, is no change. Stat facts only spare re-reading a file whose
/// facts did not move since it was last hashed.
/// </summary>
public sealed class ContentBaseline
{
    private readonly Dictionary<string, ContentHash> _built = new(PathComparison.Comparer);
    private readonly Dictionary<string, (FileFacts Facts, ContentHash Hash)> _seen = new(PathComparison.Comparer);

    public bool Contains(string path) => _built.ContainsKey(path);

    public IEnumerable<string> Paths => _built.Keys;

    /// <summary>Records the current content of each path as what the next build will use.</summary>
    public void Capture(IEnumerable<string> paths)
    {
        foreach (string path in paths)
        {
            _built[path] = Observe(path);
        }
    }

    /// <summary>
    /// Adds paths a build just reported that were not captured before it started. The build may
    /// have read either version of a file that changed after it started, so such a file gets no
    /// hash and counts as changed at the next check.
    /// </summary>
    public void AddDiscovered(IEnumerable<string> paths, DateTimeOffset buildStarted)
    {
        long startedNs = (buildStarted.ToUnixTimeMilliseconds() - 1000) * 1_000_000;
        foreach (string path in paths)
        {
            if (_built.ContainsKey(path))
            {
                continue;
            }

            ContentHash hash = Observe(path);
            _built[path] = _seen[path].Facts.LatestNs >= startedNs ? ContentHash.None : hash;
        }
    }

    /// <summary>Keeps only the given paths (the latest build's watch list).</summary>
    public void RetainOnly(IReadOnlySet<string> paths)
    {
        foreach (string path in _built.Keys.Where(p => !paths.Contains(p)).ToList())
        {
            _built.Remove(path);
            _seen.Remove(path);
        }
    }

    /// <summary>Whether the file's content differs from what the last build used.</summary>
    public bool HasChanged(string path) =>
        _built.TryGetValue(path, out ContentHash built) && Observe(path) != built;

    private ContentHash Observe(string path)
    {
        FileFacts facts;
        try
        {
            facts = FileFactsReader.Read(path);
        }
        catch (IOException)
        {
            facts = FileFacts.Missing;
        }

        if (!facts.Exists)
        {
            _seen[path] = (facts, ContentHash.None);
            return ContentHash.None;
        }

        if (facts.Trusted && _seen.TryGetValue(path, out var seen) && seen.Facts == facts)
        {
            return seen.Hash;
        }

        ContentHash hash;
        try
        {
            hash = ContentHash.OfFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Mid-write or locked: unknown content, which never equals a real hash.
            hash = new ContentHash(ulong.MaxValue, (ulong)facts.ModifiedNs);
            facts = facts with { Trusted = false };
        }

        _seen[path] = (facts, hash);
        return hash;
    }
}
