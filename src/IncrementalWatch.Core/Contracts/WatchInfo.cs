namespace IncrementalWatch.Contracts;

/// <summary>One project of the watched closure: where it is and where its build writes.</summary>
public sealed record WatchedProject(string ProjectFile, string Directory, string OutputRoot, string IntermediateRoot);

/// <summary>
/// What a build tells the host: how to run the app (as dotnet run would) and which files and
/// projects to watch. Written by the package's targets after each successful build, as JSON
/// under obj/IncrementalWatch/. <see cref="AppReadsItself"/> lists the watched files the running
/// app reads from the project folder itself (appsettings*.json, wwwroot/ of a web app, and items
/// with IncrementalWatchRestart="false"): a change to those alone is built but restarts nothing.
/// </summary>
public sealed record WatchInfo(
    string RunCommand,
    string RunArguments,
    string RunWorkingDirectory,
    string TargetDirectory,
    string LaunchSettingsFile,
    IReadOnlyList<WatchedProject> Projects,
    IReadOnlyList<string> Files,
    IReadOnlyList<string>? NeverInputFolders = null,
    IReadOnlyList<string>? AppReadsItself = null)
{
    /// <exception cref="InvalidDataException">The file is not a watch-info file.</exception>
    public static WatchInfo Load(string path) => ContractFile.Load(path, ContractJson.Default.WatchInfo);

    /// <summary>Writes the file only when its content changes; true when written.</summary>
    public bool Save(string path) => ContractFile.SaveIfDifferent(path, this, ContractJson.Default.WatchInfo);
}
