using IncrementalWatch.Contracts;
using Microsoft.Build.Framework;

namespace IncrementalWatch.Tasks;

/// <summary>
/// Writes what the restart host needs after a build: how to run the app and which files and
/// projects to watch. Rewrites the file only when its content changes.
/// </summary>
public sealed class WriteWatchInfo : IncrementalWatchTask
{
    [Required]
    public string OutputFile { get; set; } = "";

    public string RunCommand { get; set; } = "";

    public string RunArguments { get; set; } = "";

    public string RunWorkingDirectory { get; set; } = "";

    public string TargetDirectory { get; set; } = "";

    public string LaunchSettingsFile { get; set; } = "";

    /// <summary>Project files, with ProjectDirectory, OutputRoot and IntermediateRoot metadata (full paths).</summary>
    public ITaskItem[] Projects { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Files to watch; IncrementalWatchRestart="false" marks one the running app reads itself (no restart for it).</summary>
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>IncrementalWatchNeverInputFolders: folder names the host never watches.</summary>
    public string[] NeverInputFolders { get; set; } = Array.Empty<string>();

    protected override void ExecuteCore()
    {
        var projects = Projects
            .Select(p => new WatchedProject(p.GetMetadata("FullPath"), p.GetMetadata("ProjectDirectory"), p.GetMetadata("OutputRoot"), p.GetMetadata("IntermediateRoot")))
            .DistinctBy(p => p.ProjectFile, FileSystem.PathComparison.Comparer)
            .ToList();
        var files = Files
            .Select(f => f.GetMetadata("FullPath"))
            .Where(f => f.Length > 0)
            .Distinct(FileSystem.PathComparison.Comparer)
            .Order(StringComparer.Ordinal)
            .ToList();
        // A file the app reads itself only when every item that lists it says so.
        var appReadsItself = Files
            .GroupBy(f => f.GetMetadata("FullPath"), FileSystem.PathComparison.Comparer)
            .Where(g => g.Key.Length > 0 && g.All(f => string.Equals(f.GetMetadata("IncrementalWatchRestart"), "false", StringComparison.OrdinalIgnoreCase)))
            .Select(g => g.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var info = new WatchInfo(RunCommand, RunArguments, RunWorkingDirectory, TargetDirectory, LaunchSettingsFile, projects, files, NeverInputFolders, appReadsItself);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(OutputFile))!);
        info.Save(OutputFile);
    }
}
