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
        var info = new WatchInfo(RunCommand, RunArguments, RunWorkingDirectory, TargetDirectory, LaunchSettingsFile, projects, files, NeverInputFolders);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(OutputFile))!);
        info.Save(OutputFile);
    }
}
