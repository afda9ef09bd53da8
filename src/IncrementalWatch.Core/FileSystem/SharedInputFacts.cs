namespace IncrementalWatch.FileSystem;

/// <summary>
/// The facts of inputs under folders that no build step writes (the NuGet package folder, the
/// SDK's targeting packs), read once per build and MSBuild node and shared by every project's
/// check: each of them passes the same hundred-odd reference assemblies and analyzers, and a
/// stat call is most of what a no-op check costs. Everything else is read every time.
/// </summary>
/// <remarks>
/// One instance lives for one build (the task registers it with that lifetime), so the next
/// build, which is when a restore or an SDK update could have changed those folders, reads
/// them afresh. Only facts that can vouch for content (trusted, existing) are kept.
/// </remarks>
public sealed class SharedInputFacts
{
    private readonly string[] _roots;
    // Values are boxed in a class of this assembly, and the map is a plain Dictionary under a
    // lock: a ConcurrentDictionary or Dictionary over the FileFacts struct is a generic
    // instantiation that no ReadyToRun image holds, and a fresh MSBuild node JIT-compiled 16 of
    // its methods (about 10 ms) on the first check. Dictionary<string, class> is precompiled.
    private readonly Dictionary<string, Kept> _facts = new(PathComparison.Comparer);

    /// <param name="roots">Full folder paths; empty ones are ignored.</param>
    public SharedInputFacts(IEnumerable<string> roots)
    {
        _roots = roots
            .Where(r => !string.IsNullOrWhiteSpace(r))
            .Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)) + Path.DirectorySeparatorChar)
            .Distinct(PathComparison.Comparer)
            .ToArray();
    }

    /// <summary>The key under which a build keeps the instance for <paramref name="roots"/>.</summary>
    public static string KeyFor(IEnumerable<string> roots) => "IncrementalWatch.SharedInputFacts:" + string.Join('|', roots);

    /// <summary>True when <paramref name="fullPath"/> is under one of the shared folders.</summary>
    public bool IsShared(string fullPath)
    {
        foreach (string root in _roots)
        {
            if (fullPath.StartsWith(root, PathComparison.Comparison))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="directory"/> is one of the shared folders or inside one (a
    /// package folder set to the repository itself): a project there has files the build
    /// writes under a shared folder, so its check must not use this instance.
    /// </summary>
    public bool Holds(string directory) =>
        IsShared(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar);

    /// <summary>The facts of a full path: kept ones for shared inputs, read now otherwise.</summary>
    /// <exception cref="IOException">The path exists but cannot be examined.</exception>
    public FileFacts Read(string fullPath)
    {
        if (!IsShared(fullPath))
        {
            return FileFactsReader.Read(fullPath);
        }

        lock (_facts)
        {
            if (_facts.TryGetValue(fullPath, out var kept))
            {
                return kept.Facts;
            }
        }

        var facts = FileFactsReader.Read(fullPath);
        if (facts.Exists && facts.Trusted)
        {
            lock (_facts)
            {
                _facts.TryAdd(fullPath, new Kept(facts));
            }
        }

        return facts;
    }

    private sealed class Kept(FileFacts facts)
    {
        public FileFacts Facts { get; } = facts;
    }
}
