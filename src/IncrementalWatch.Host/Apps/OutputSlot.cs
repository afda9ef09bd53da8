using IncrementalWatch.FileSystem;
using IncrementalWatch.Host.Processes;

namespace IncrementalWatch.Host.Apps;

/// <summary>A private copy of a build's output folder that one app instance runs from.</summary>
public sealed class OutputSlot
{
    internal OutputSlot(string directory, string sourceDirectory, Dictionary<string, (FileFacts Facts, ContentHash Hash)> files)
    {
        Directory = directory;
        SourceDirectory = sourceDirectory;
        Files = files;
    }

    public string Directory { get; }

    /// <summary>The build output folder it was copied from (bin/...).</summary>
    public string SourceDirectory { get; }

    internal Dictionary<string, (FileFacts Facts, ContentHash Hash)> Files { get; }

    /// <summary>Rewrites paths into the output folder so they point into this slot.</summary>
    public string Map(string value)
    {
        string source = Path.TrimEndingDirectorySeparator(SourceDirectory);
        return value.Replace(source, Path.TrimEndingDirectorySeparator(Directory), PathComparison.Comparison);
    }
}

/// <summary>
/// Gives each app instance its own copy of the output folder, so a build can rewrite bin/
/// while the old app keeps running from its slot: on Linux, rewriting a loaded assembly in
/// place can crash the process that mapped it; on Windows the running app's files are locked
/// and the build would fail. Files unchanged since the last slot are hard-linked from it
/// (slot files are never written after creation); the rest are copied. A build whose output
/// is byte-for-byte what is running gives no new slot: nothing to restart.
/// </summary>
public sealed class OutputSlots
{
    private readonly string _root;
    private int _next;

    public OutputSlots(string root)
    {
        _root = root;
    }

    /// <summary>Removes slots left by an earlier host (call after its app is stopped).</summary>
    public void Reset()
    {
        if (System.IO.Directory.Exists(_root))
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>
    /// Returns a slot with the output folder's current content: <paramref name="current"/> when
    /// nothing changed, else a new slot.
    /// </summary>
    public (OutputSlot Slot, bool Changed) Prepare(string outputDirectory, OutputSlot? current)
    {
        var files = new Dictionary<string, (FileFacts Facts, ContentHash Hash)>(PathComparison.Comparer);
        bool changed = current is null;
        foreach (string file in System.IO.Directory.EnumerateFiles(outputDirectory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(outputDirectory, file);
            FileFacts facts = FileFactsReader.Read(file);
            ContentHash hash = current is not null && facts.Trusted && current.Files.TryGetValue(relative, out var known) && known.Facts == facts
                ? known.Hash
                : ContentHash.OfFile(file);
            files[relative] = (facts, hash);
            changed |= current is null || !current.Files.TryGetValue(relative, out var old) || old.Hash != hash;
        }

        changed |= current is not null && current.Files.Keys.Any(k => !files.ContainsKey(k));
        if (!changed)
        {
            return (current!, false);
        }

        string directory;
        do
        {
            directory = Path.Combine(_root, (++_next).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        while (System.IO.Directory.Exists(directory));

        foreach (var (relative, (_, hash)) in files)
        {
            string target = Path.Combine(directory, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            bool linked = current is not null
                && current.Files.TryGetValue(relative, out var old) && old.Hash == hash
                && TryLink(Path.Combine(current.Directory, relative), target);
            if (!linked)
            {
                File.Copy(Path.Combine(outputDirectory, relative), target);
            }
        }

        return (new OutputSlot(directory, outputDirectory, files), true);
    }

    /// <summary>Deletes a slot whose app has stopped.</summary>
    public static void Discard(OutputSlot slot)
    {
        try
        {
            System.IO.Directory.Delete(slot.Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for Reset at the next start.
        }
    }

    private static bool TryLink(string existing, string created) =>
        !OperatingSystem.IsWindows() && UnixNative.link(existing, created) == 0;
}
