using Microsoft.Build.Logging.StructuredLogger;

using LoggedTask = Microsoft.Build.Logging.StructuredLogger.Task;

namespace IncrementalWatch.Tests.Integration;

/// <summary>Questions the tests ask of a binary log, read with MSBuild.StructuredLogger.</summary>
public sealed class Binlog(string path)
{
    private readonly Build _build = BinaryLog.ReadBuild(path);

    public bool Succeeded => _build.Succeeded;

    /// <summary>Targets of that name in the project, with whether they did work (ran tasks).</summary>
    public IReadOnlyList<Target> Targets(string project, string target) =>
        _build.FindChildrenRecursive<Target>(t => t.Name == target && t.Project?.Name == project);

    public IReadOnlyList<LoggedTask> TasksIn(Target target) => target.Children.OfType<LoggedTask>().ToList();

    /// <summary>Every call of the task of that name, in any project; FromAssembly says which assembly ran it.</summary>
    public IReadOnlyList<LoggedTask> Tasks(string name) => _build.FindChildrenRecursive<LoggedTask>(t => t.Name == name);

    /// <summary>All message texts logged anywhere in the build.</summary>
    public IEnumerable<string> Messages() => _build.FindChildrenRecursive<Message>().Select(m => m.Text);
}
