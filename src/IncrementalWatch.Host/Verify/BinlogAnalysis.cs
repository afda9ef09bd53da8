using System.Text.RegularExpressions;
using Microsoft.Build.Logging.StructuredLogger;
using LoggedTask = Microsoft.Build.Logging.StructuredLogger.Task;

namespace IncrementalWatch.Host.Verify;

/// <summary>A target that did real work in a build where nothing had changed.</summary>
/// <param name="ProjectFile">The project it ran in.</param>
/// <param name="Target">The target's name, or "(unknown)" for files written by no target the log names.</param>
/// <param name="Reason">Why MSBuild ran it, from the log: an output missing, an input newer than an output, or no Inputs/Outputs.</param>
/// <param name="Evidence">What it did: tools run, files written.</param>
public sealed record TargetWork(string ProjectFile, string Target, string Reason, TimeSpan Duration, IReadOnlyList<string> Evidence);

/// <summary>
/// Reads a binary log of a build that should have done nothing and lists the targets that did
/// real work. A target counts when it ran (was not skipped as up to date) and either ran an
/// external tool, or a task logged that it wrote, copied, touched or deleted files, or a file
/// the second build changed on disk is named in it. Targets that run every time but only
/// compute items and properties (most of the SDK's) are bookkeeping, not work, and are left out.
/// </summary>
public static class BinlogAnalysis
{
    private static readonly Regex OutputMissing = new("^Output file \"(?<output>[^\"]+)\" does not exist\\.", RegexOptions.CultureInvariant);
    private static readonly Regex InputNewer = new("^Input file \"(?<input>[^\"]+)\" is newer than output file \"(?<output>[^\"]+)\"\\.", RegexOptions.CultureInvariant);

    /// <exception cref="InvalidDataException">The log is missing, empty or not a binary log this reader understands.</exception>
    public static Build Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException("the file does not exist");
        }

        Build build;
        try
        {
            build = BinaryLog.ReadBuild(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        // The reader turns a damaged file into a build holding only an error node.
        var targets = build.FindChildrenRecursive<Target>(_ => true);
        if (targets.Count == 0)
        {
            string why = build.FindFirstDescendant<Error>(_ => true)?.Text ?? "it holds no targets (truncated or not a binary log)";
            throw new InvalidDataException(why);
        }

        return build;
    }

    /// <param name="build">The log of the second build.</param>
    /// <param name="includeProject">Which projects' targets to report.</param>
    /// <param name="changedFiles">Files the second build created, rewrote or deleted.</param>
    public static IReadOnlyList<TargetWork> FindWork(Build build, Func<string, bool> includeProject, IReadOnlyList<string> changedFiles)
    {
        var work = new List<TargetWork>();
        var explained = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in build.FindChildrenRecursive<Target>(t => !t.Skipped))
        {
            string projectFile = target.Project?.ProjectFile ?? "";
            var evidence = new List<string>();
            foreach (var task in target.FindChildrenRecursive<LoggedTask>(_ => true))
            {
                evidence.AddRange(TaskEvidence(task));
            }

            var written = new List<string>();
            if (changedFiles.Count > 0)
            {
                // Only when the build changed something: the text of every node is not cheap.
                string text = string.Join('\n', target.FindChildrenRecursive<BaseNode>(_ => true).Select(n => n.ToString()));
                written.AddRange(changedFiles.Where(f => text.Contains(Path.GetFileName(f), StringComparison.Ordinal)));
            }

            if (written.Count > 0)
            {
                evidence.Add("changed on disk: " + string.Join(", ", written.Select(Path.GetFileName).Take(5)) + (written.Count > 5 ? $" (+{written.Count - 5})" : ""));
            }

            if (evidence.Count == 0)
            {
                continue;
            }

            explained.UnionWith(written);
            if (includeProject(projectFile))
            {
                work.Add(new TargetWork(projectFile, target.Name, Reason(target), target.Duration, evidence));
            }
        }

        var unexplained = changedFiles.Where(f => !explained.Contains(f)).ToList();
        if (unexplained.Count > 0)
        {
            work.Add(new TargetWork("", "(unknown)", "files changed by the build that no logged target names", TimeSpan.Zero, unexplained.Take(10).ToList()));
        }

        return work;
    }

    /// <summary>Why MSBuild ran the target, from the messages it logged before running it.</summary>
    public static string Reason(Target target)
    {
        var messages = target.FindImmediateChildrenOfType<Message>().Select(m => m.Text ?? "").ToList();
        int building = messages.FindIndex(m => m.StartsWith("Building target \"", StringComparison.Ordinal));
        if (building < 0)
        {
            return "no Inputs/Outputs: it runs on every build";
        }

        bool partial = messages[building].Contains("partially", StringComparison.Ordinal);
        foreach (string message in messages.Skip(building + 1).Take(3))
        {
            if (OutputMissing.Match(message) is { Success: true } missing)
            {
                return $"output missing: {missing.Groups["output"].Value}";
            }

            if (InputNewer.Match(message) is { Success: true } newer)
            {
                return $"input newer than output: {newer.Groups["input"].Value} is newer than {newer.Groups["output"].Value}";
            }

            if (message.StartsWith("No input files were specified", StringComparison.Ordinal))
            {
                return "Outputs without Inputs: it runs on every build";
            }

            if (message.StartsWith("No output files were specified", StringComparison.Ordinal))
            {
                return "Inputs without Outputs: it runs on every build";
            }
        }

        return partial ? "some outputs out of date (built partially)" : messages[building];
    }

    private static IEnumerable<string> TaskEvidence(LoggedTask task)
    {
        if (!string.IsNullOrWhiteSpace(task.CommandLineArguments))
        {
            string command = task.CommandLineArguments.Trim().ReplaceLineEndings(" ");
            yield return $"ran {task.Name}: {(command.Length > 120 ? command[..117] + "..." : command)}";
            yield break;
        }

        var messages = task.GetMessages().Select(m => m.Text ?? "").ToList();
        int Count(string prefix) => messages.Count(m => m.StartsWith(prefix, StringComparison.Ordinal));
        switch (task.Name)
        {
            case "Copy" when Count("Copying file from") is > 0 and int copied:
                yield return $"copied {copied} file(s)";
                break;
            case "WriteLinesToFile" when Count("Skipping write to file") == 0:
                yield return "wrote a file (WriteLinesToFile)";
                break;
            case "Touch" when Count("Touching") is > 0 and int touched:
                yield return $"touched {touched} file(s)";
                break;
            case "Delete" when Count("Deleting file") is > 0 and int deleted:
                yield return $"deleted {deleted} file(s)";
                break;
            case "GenerateResource" when Count("Processing resource file") is > 0 and int resources:
                yield return $"generated {resources} resource file(s)";
                break;
        }
    }
}
