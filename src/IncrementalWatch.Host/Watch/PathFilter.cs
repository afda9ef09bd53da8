using IncrementalWatch.Contracts;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// Decides which paths can never matter to a rebuild: anything under a watched project's bin/
/// or obj/ (the build's own writes), version-control and IDE folders, and the swap, backup and
/// temp files editors write while saving.
/// </summary>
public sealed class PathFilter
{
    private static readonly string[] IgnoredDirectoryNames = { ".git", ".vs", ".vscode", ".idea", ".hg", ".svn", "node_modules" };
    private static readonly string[] EditorSuffixes = { "~", ".swp", ".swo", ".swx", ".swn", ".tmp", ".temp", ".bak", ".orig", ".crswap", "___jb_tmp___", "___jb_old___", ".kate-swp" };

    private readonly string[] _outputRoots;

    public PathFilter(IEnumerable<WatchedProject> projects)
    {
        _outputRoots = projects
            .SelectMany(p => new[] { p.OutputRoot, p.IntermediateRoot })
            .Where(r => r.Length > 0)
            .Select(r => Path.TrimEndingDirectorySeparator(r) + Path.DirectorySeparatorChar)
            .Distinct(FileSystem.PathComparison.Comparer)
            .ToArray();
    }

    public bool IsIgnored(string path)
    {
        foreach (string root in _outputRoots)
        {
            if (path.StartsWith(root, FileSystem.PathComparison.Comparison))
            {
                return true;
            }
        }

        foreach (string segment in path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            if (Array.IndexOf(IgnoredDirectoryNames, segment) >= 0)
            {
                return true;
            }
        }

        return IsEditorArtifact(Path.GetFileName(path));
    }

    /// <summary>Swap, backup and temp files of common editors (vim, emacs, JetBrains, VS, Office).</summary>
    public static bool IsEditorArtifact(string name) =>
        name.Length == 0
        || name == "4913" // vim's probe file
        || name == ".DS_Store"
        || name.StartsWith(".#", StringComparison.Ordinal) // emacs lock
        || (name.StartsWith('#') && name.EndsWith('#')) // emacs autosave
        || name.StartsWith("~$", StringComparison.Ordinal) // Office
        || (name.StartsWith('.') && name.Contains(".sw", StringComparison.Ordinal) && name.Length > 4 && name[^4] == '.') // vim .x.swp variants
        || EditorSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
}
