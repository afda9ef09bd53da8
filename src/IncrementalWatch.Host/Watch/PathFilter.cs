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
