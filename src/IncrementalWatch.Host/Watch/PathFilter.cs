using IncrementalWatch.Contracts;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// Decides which paths can never matter to a rebuild: anything under a watched project's bin/
/// or obj/ (the build's own writes), and whatever <see cref="NeverInputs"/> excludes.
/// </summary>
public sealed class PathFilter
{
    private readonly string[] _outputRoots;
    private readonly NeverInputs _neverInputs;

    public PathFilter(IEnumerable<WatchedProject> projects, NeverInputs? neverInputs = null)
    {
        _neverInputs = neverInputs ?? NeverInputs.Default;
        _outputRoots = projects
            .SelectMany(p => new[] { p.OutputRoot, p.IntermediateRoot })
            .Where(r => r.Length > 0)
            .Select(r => Path.TrimEndingDirectorySeparator(r) + Path.DirectorySeparatorChar)
            .Distinct(PathComparison.Comparer)
            .ToArray();
    }

    /// <summary>
    /// Whether a folder is never looked into: a project's bin/ or obj/ (or wherever its
    /// output and intermediate roots are), or a folder the never-input list names
    /// (.git, node_modules, ...). The one rule the watch's walks, watches and polls share.
    /// </summary>
    public bool IsExcludedFolder(string directory)
    {
        string withSeparator = Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar;
        foreach (string root in _outputRoots)
        {
            if (withSeparator.StartsWith(root, PathComparison.Comparison))
            {
                return true;
            }
        }

        return _neverInputs.IsFolder(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)));
    }

    public bool IsIgnored(string path)
    {
        foreach (string root in _outputRoots)
        {
            if (path.StartsWith(root, PathComparison.Comparison))
            {
                return true;
            }
        }

        return _neverInputs.Contains(path);
    }
}
