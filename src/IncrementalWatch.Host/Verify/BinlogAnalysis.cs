using System.Text.RegularExpressions;
using IncrementalWatch.FileSystem;
using Microsoft.Build.Logging.StructuredLogger;

using LoggedTask = Microsoft.Build.Logging.StructuredLogger.Task;

namespace IncrementalWatch.Host.Verify;

/// <summary>A target that did real work in a build where nothing had changed.</summary>
/// <param name="ProjectFile">The project it ran in.</param>
/// <param name="Target">The target's name, or "(unknown)" for files written by no target the log names.</param>
/// <param name="Reason">Why MSBuild ran it, from the log: an output missing, an input newer than an output, or no Inputs/Outputs.</param>
/// <param name="Evidence">What it did: tools run, files written.</param>
/// <param name="Owner">Who defines the target: the user's repository, a package, the SDK.</param>
/// <param name="DefinedIn">The file that defines the target.</param>
public sealed record TargetWork(string ProjectFile, string Target, string Reason, TimeSpan Duration, IReadOnlyList<string> Evidence, TargetOwner Owner, string DefinedIn)
{
    /// <summary>The name used for the files no target's tasks can be tied to.</summary>
    public const string Unattributed = "(unattributed)";

    /// <summary>MSBuild ran the target because its declared outputs were out of date.</summary>
    public bool OutputsOutOfDate => BinlogAnalysis.IsOutOfDateReason(Reason);
}

/// <summary>
/// Reads a binary log of a build that should have done nothing and lists the targets that did
/// real work. A target counts when it ran (was not skipped as up to date) and one of its tasks
/// ran an external tool, copied, wrote, touched or deleted files, or wrote a file the second
/// build changed on disk; or when MSBuild ran it because its declared outputs were out of date.
/// A changed file is blamed only on the task that wrote it, from the log's evidence: the
/// task's copy, touch and delete messages, its output items, and its parameters that name what
/// it writes. A target that merely lists a file (IncrementalClean, the file-writes bookkeeping)
/// is never blamed. Each target is classified by the file that defines it.
/// </summary>
public static class BinlogAnalysis
{
    private static readonly Regex OutputMissing = new("^Output file \"(?<output>[^\"]+)\" does not exist\\.", RegexOptions.CultureInvariant);
    private static readonly Regex InputNewer = new("^Input file \"(?<input>[^\"]+)\" is newer than output file \"(?<output>[^\"]+)\"\\.", RegexOptions.CultureInvariant);

    // What a task logs for each file it writes.
    private static readonly Regex WriteMessage = new(
        "^(?:Copying file from \"[^\"]*\" to \"(?<file>[^\"]+)\"|Creating (?:hard|symbolic) link to copy \"[^\"]*\" to \"(?<file>[^\"]+)\"|Touching \"(?<file>[^\"]+)\"|Deleting file \"(?<file>[^\"]+)\")",
        RegexOptions.CultureInvariant);

    // Task parameters that name files the task writes (for any task), and those that do only
    // for some tasks ("Files" is what Touch touches and Delete deletes, but what others read).
    private static readonly HashSet<string> WrittenParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "DestinationFiles", "File", "OutputFile", "OutputFiles", "OutputResources", "StateFile", "DepsFilePath",
        "RuntimeConfigPath", "RuntimeConfigDevPath", "OutputManifest", "OutputPath",
    };

    private static readonly HashSet<string> TasksWritingFiles = new(StringComparer.OrdinalIgnoreCase) { "Touch", "Delete" };

    // Tasks that only read or compute lists: their output items name files without writing
    // them (IncrementalClean's bookkeeping lists every file the build ever wrote).
    private static readonly HashSet<string> ListingTasks = new(StringComparer.OrdinalIgnoreCase)
    {
        "ReadLinesFromFile", "FindUnderPath", "RemoveDuplicates", "ConvertToAbsolutePath", "CreateItem", "CreateProperty",
        "AssignTargetPath", "AssignCulture", "AssignProjectConfiguration", "MSBuild", "CallTarget", "ResolveAssemblyReference",
        "FindAppConfigFile", "GetFileHash", "FindInList", "Hash", "ResolvePackageAssets", "ResolveTargetingPackAssets",
    };

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
    /// <param name="changedFiles">Files the second build created, rewrote or deleted (full paths).</param>
    /// <param name="ownership">Tells whose each target is.</param>
    public static IReadOnlyList<TargetWork> FindWork(Build build, IReadOnlyList<string> changedFiles, TargetOwnership ownership)
    {
        var work = new List<TargetWork>();
        var changed = new HashSet<string>(changedFiles.Select(f => Path.GetFullPath(f)), PathComparison.Comparer);
        var explained = new HashSet<string>(PathComparison.Comparer);
        foreach (var target in build.FindChildrenRecursive<Target>(t => !t.Skipped))
        {
            string projectFile = target.Project?.ProjectFile ?? "";
            string projectDirectory = projectFile.Length > 0 ? Path.GetDirectoryName(projectFile)! : Environment.CurrentDirectory;
            var evidence = new List<string>();
            var written = new List<string>();
            // Only the target's own tasks: an MSBuild task's node holds the whole build of the
            // projects it called, whose work is theirs.
            foreach (var task in target.Children.OfType<LoggedTask>())
            {
                evidence.AddRange(TaskEvidence(task));
                if (changed.Count > 0)
                {
                    written.AddRange(FilesWrittenBy(task, projectDirectory).Where(changed.Contains));
                }
            }

            written = written.Distinct(PathComparison.Comparer).ToList();
            if (written.Count > 0)
            {
                evidence.Add("changed on disk: " + string.Join(", ", written.Select(Path.GetFileName).Take(5)) + (written.Count > 5 ? $" (+{written.Count - 5})" : ""));
            }

            string reason = Reason(target);
            if (evidence.Count == 0 && IsOutOfDateReason(reason))
            {
                evidence.Add("MSBuild ran it again because its declared outputs are out of date, although its tasks wrote nothing; it will run on every build");
            }

            if (evidence.Count == 0)
            {
                continue;
            }

            explained.UnionWith(written);
            string definedIn = (target as IHasSourceFile)?.SourceFilePath ?? "";
            work.Add(new TargetWork(projectFile, target.Name, reason, target.Duration, evidence, ownership.Classify(definedIn), definedIn));
        }

        var unexplained = changed.Where(f => !explained.Contains(f)).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (unexplained.Count > 0)
        {
            work.Add(new TargetWork("", TargetWork.Unattributed, "files the second build changed that no logged task wrote", TimeSpan.Zero,
                unexplained.Take(10).Append(unexplained.Count > 10 ? $"(+{unexplained.Count - 10} more)" : null).OfType<string>().ToList(), TargetOwner.User, ""));
        }

        return work;
    }

    /// <summary>The files a task's log says it wrote: its write messages, output items, and parameters naming what it writes.</summary>
    public static IEnumerable<string> FilesWrittenBy(LoggedTask task, string projectDirectory)
    {
        string? Full(string? path)
        {
            if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                return null;
            }

            try
            {
                return Path.GetFullPath(path.Trim(), projectDirectory);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                return null;
            }
        }

        foreach (var message in task.GetMessages())
        {
            if (WriteMessage.Match(message.Text ?? "") is { Success: true } m && Full(m.Groups["file"].Value) is { } file)
            {
                yield return file;
            }
        }

        foreach (var folder in task.Children.OfType<Folder>())
        {
            bool outputs = folder.Name is "OutputItems" or "OutputProperties" && !ListingTasks.Contains(task.Name);
            foreach (var node in folder.Children)
            {
                string name = (node as NamedNode)?.Name ?? (node as NameValueNode)?.Name ?? "";
                bool named = WrittenParameters.Contains(name) || (TasksWritingFiles.Contains(task.Name) && name.Equals("Files", StringComparison.OrdinalIgnoreCase));
                if (!outputs && !named)
                {
                    continue;
                }

                if (node is NameValueNode property)
                {
                    if (Full(property.Value) is { } value)
                    {
                        yield return value;
                    }

                    continue;
                }

                foreach (var item in (node as TreeNode)?.FindChildrenRecursive<Item>(_ => true) ?? [])
                {
                    if (Full(item.Text) is { } file)
                    {
                        yield return file;
                    }
                }
            }
        }
    }

    /// <summary>True for the reasons MSBuild gives when a target's declared outputs are out of date.</summary>
    public static bool IsOutOfDateReason(string reason) =>
        reason.StartsWith("output missing", StringComparison.Ordinal)
        || reason.StartsWith("input newer than output", StringComparison.Ordinal)
        || reason.StartsWith("some outputs out of date", StringComparison.Ordinal);

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
