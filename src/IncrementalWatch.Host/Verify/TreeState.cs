using IncrementalWatch.FileSystem;
namespace IncrementalWatch.Host.Verify;

/// <summary>
/// The size and write time of every file under some folders, to see which files a build
/// wrote: whatever target wrote them and however it logged it.
/// </summary>
public sealed class TreeState
{
    private readonly Dictionary<string, (long Size, DateTime Written)> _files;

    private TreeState(Dictionary<string, (long, DateTime)> files) => _files = files;

    /// <summary>Every file under the folders, except inside <paramref name="neverInputs"/>' folders (bin/ and obj/ are included: builds write there).</summary>
    public static TreeState Capture(IEnumerable<string> folders, NeverInputs neverInputs)
    {
        var files = new Dictionary<string, (long, DateTime)>(FileSystem.PathComparison.Comparer);
        foreach (string folder in folders.Distinct(FileSystem.PathComparison.Comparer))
        {
            if (Directory.Exists(folder))
            {
                Walk(new DirectoryInfo(folder), files, neverInputs);
            }
        }

        return new TreeState(files);
    }

    /// <summary>Files created, rewritten or deleted since <paramref name="before"/>, sorted.</summary>
    public IReadOnlyList<string> ChangedSince(TreeState before)
    {
        var changed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, now) in _files)
        {
            if (!before._files.TryGetValue(path, out var then) || then != now)
            {
                changed.Add(path);
            }
        }

        foreach (string path in before._files.Keys)
        {
            if (!_files.ContainsKey(path))
            {
                changed.Add(path);
            }
        }

        return changed.ToList();
    }

    private static void Walk(DirectoryInfo folder, Dictionary<string, (long, DateTime)> files, NeverInputs neverInputs)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = folder.EnumerateFileSystemInfos().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo directory)
            {
                if (!neverInputs.IsFolder(directory.Name) && directory.LinkTarget is null)
                {
                    Walk(directory, files, neverInputs);
                }
            }
            else if (entry is FileInfo file)
            {
                files[file.FullName] = (file.Length, file.LastWriteTimeUtc);
            }
        }
    }
}
