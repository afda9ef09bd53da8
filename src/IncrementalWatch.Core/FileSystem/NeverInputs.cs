namespace IncrementalWatch.FileSystem;

/// <summary>
/// What is never a build input: version-control, IDE, package-manager and test-result folders,
/// and the swap, backup and temp files editors write while saving. The watch loop, the
/// verifier's record of what a build wrote and the invalidation proof's scratch copy all use
/// it. The build's own bin/ and obj/ come on top, as each of them knows them.
/// <c>IncrementalWatchNeverInputFolders</c> replaces the folder list.
/// </summary>
public sealed class NeverInputs
{
    /// <summary>The default folder names; the package's props set IncrementalWatchNeverInputFolders to the same (a test keeps them equal).</summary>
    public static readonly IReadOnlyList<string> DefaultFolders = [".git", ".hg", ".svn", ".vs", ".vscode", ".idea", "node_modules", "TestResults"];

    private static readonly string[] EditorSuffixes = ["~", ".swp", ".swo", ".swx", ".swn", ".tmp", ".temp", ".bak", ".orig", ".crswap", "___jb_tmp___", "___jb_old___", ".kate-swp"];

    private readonly HashSet<string> _folders;

    public NeverInputs(IEnumerable<string> folders) =>
        _folders = new HashSet<string>(folders.Select(f => f.Trim()).Where(f => f.Length > 0), StringComparer.OrdinalIgnoreCase);

    public static NeverInputs Default { get; } = new(DefaultFolders);

    public IReadOnlyCollection<string> Folders => _folders;

    /// <summary>The folders the property lists (';'-separated); the defaults when it is empty.</summary>
    public static NeverInputs FromList(IReadOnlyList<string>? folders) => folders is { Count: > 0 } ? new NeverInputs(folders) : Default;

    /// <summary>Whether a folder of this name is never looked into.</summary>
    public bool IsFolder(string name) => _folders.Contains(name);

    /// <summary>Whether the path lies inside such a folder, or names an editor's temp file.</summary>
    public bool Contains(string path)
    {
        foreach (string segment in path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            if (_folders.Contains(segment))
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
