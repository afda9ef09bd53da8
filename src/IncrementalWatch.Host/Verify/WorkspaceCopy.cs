using IncrementalWatch.FileSystem;
using IncrementalWatch.Contracts;

namespace IncrementalWatch.Host.Verify;

/// <summary>
/// The scratch copy of a workspace that the invalidation proof changes and builds: the
/// sources without bin/, obj/ and version-control folders, somewhere under the temp folder,
/// removed afterwards. The user's tree is only read.
/// </summary>
public sealed class WorkspaceCopy : IDisposable
{

    private WorkspaceCopy(string source, string root)
    {
        Source = source;
        Root = root;
    }

    public string Source { get; }

    public string Root { get; }

    /// <summary>Copies <paramref name="source"/> without bin/, obj/ and <paramref name="neverInputs"/>' folders.</summary>
    public static WorkspaceCopy Create(string source, NeverInputs neverInputs)
    {
        // A folder of its own right in the temp folder, so removing it leaves nothing behind.
        string scratch = Path.Combine(Path.GetTempPath(), "incrementalwatch-proof-" + Path.GetRandomFileName());
        var copy = new WorkspaceCopy(Path.GetFullPath(source), Path.Combine(scratch, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)))));
        CopyFolder(new DirectoryInfo(copy.Source), copy.Root, neverInputs);
        return copy;
    }

    /// <summary>The copy's path for a path in the source tree; a path outside it (a package's file) as it is.</summary>
    public string Map(string path) => Contains(path) ? Path.Combine(Root, Path.GetRelativePath(Source, path)) : path;

    /// <summary>Whether <paramref name="path"/> is in the copied tree, so that the copy has its own version of it.</summary>
    public bool Contains(string path)
    {
        string relative = Path.GetRelativePath(Source, path);
        return !(relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative));
    }

    /// <summary>
    /// The copy's path for a file the proof is about to change. Anything outside the copied tree
    /// (a file in the NuGet package folder, say) is refused: the proof only ever writes inside the copy.
    /// </summary>
    /// <exception cref="InvalidOperationException">The path is not in the copied tree.</exception>
    public string MapForChange(string path) => Contains(path)
        ? Map(path)
        : throw new InvalidOperationException($"'{path}' is outside the copied tree '{Source}'; the proof never changes it.");

    /// <summary>
    /// The folder to copy for <paramref name="entry"/>: the enclosing git work tree, else the
    /// solution's folder, else the nearest folder holding every project of the closure.
    /// </summary>
    public static string FindRoot(VerifyRequest request)
    {
        if (!string.IsNullOrEmpty(request.WorkspaceRoot))
        {
            return Path.GetFullPath(request.WorkspaceRoot);
        }

        for (var folder = new DirectoryInfo(request.Entry.Directory); folder is not null; folder = folder.Parent)
        {
            if (Directory.Exists(Path.Combine(folder.FullName, ".git")) || File.Exists(Path.Combine(folder.FullName, ".git")))
            {
                return folder.FullName;
            }
        }

        if (request.SolutionMode)
        {
            return WithBuildSettings(Path.GetDirectoryName(request.Solution)!);
        }

        string common = request.Entry.Directory;
        foreach (var project in request.Closure)
        {
            while (!project.Directory.StartsWith(common.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, FileSystem.PathComparison.Comparison)
                   && !string.Equals(project.Directory, common, FileSystem.PathComparison.Comparison))
            {
                common = Path.GetDirectoryName(common) ?? common;
            }
        }

        return WithBuildSettings(common);
    }

    /// <summary>
    /// Widens <paramref name="folder"/> to the highest folder above it that holds a file the
    /// build reads from its ancestors (Directory.Build.props, nuget.config, global.json, ...),
    /// so the copy builds as the original does (outside a git work tree, where that is the root).
    /// </summary>
    private static string WithBuildSettings(string folder)
    {
        string root = folder;
        for (var parent = new DirectoryInfo(folder).Parent; parent?.Parent is not null; parent = parent.Parent)
        {
            // File.Exists needs no listing of the folder, so an unreadable ancestor is passed over.
            if (BuildSettingFiles.Any(name => File.Exists(Path.Combine(parent.FullName, name))))
            {
                root = parent.FullName;
            }
        }

        return root;
    }

    // The names as MSBuild, NuGet and the SDK look for them (NuGet accepts three spellings).
    private static readonly string[] BuildSettingFiles =
    {
        "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "Directory.Build.rsp",
        "nuget.config", "NuGet.config", "NuGet.Config", "global.json",
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void CopyFolder(DirectoryInfo source, string target, NeverInputs neverInputs)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            string destination = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo directory)
            {
                if (!directory.Name.Equals("bin", StringComparison.OrdinalIgnoreCase) && !directory.Name.Equals("obj", StringComparison.OrdinalIgnoreCase) && !neverInputs.IsFolder(directory.Name) && directory.LinkTarget is null)
                {
                    CopyFolder(directory, destination, neverInputs);
                }
            }
            else if (entry is FileInfo file)
            {
                file.CopyTo(destination);
                File.SetLastWriteTimeUtc(destination, file.LastWriteTimeUtc);
            }
        }
    }
}
