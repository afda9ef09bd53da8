using IncrementalWatch.Benchmarks;

// dotnet run -c Release --project bench/IncrementalWatch.Benchmarks -- [noop|noop-parts|verify|snapshot|watch|reliability|scale|all] [--runs N] [--repo-runs N] [--files N] [--seconds N]
// (all = noop and snapshot; watch and reliability start web apps and take minutes.)
string mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int Option(string name, int fallback)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out int value) ? value : fallback;
}

string repoRoot = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(repoRoot, "IncrementalWatch.sln")))
{
    repoRoot = Path.GetDirectoryName(repoRoot) ?? throw new InvalidOperationException("Run from inside the repository.");
}

string work = Path.Combine(Path.GetTempPath(), "incrementalwatch-bench");
Directory.CreateDirectory(work);
Console.WriteLine($"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; scratch: {work}");

if (mode is "snapshot" or "all")
{
    SnapshotBenchmark.Run(work, Option("--files", 10_000), Option("--runs", 7));
}

if (mode is "noop" or "all")
{
    // --repo-runs: runs for the 20-project tree (each of its builds takes several seconds), --runs by default.
    // A tree given 0 runs is left out.
    int noOpRuns = Option("--runs", 10);
    NoOpBuildBenchmark.Run(repoRoot, work, noOpRuns, Option("--repo-runs", noOpRuns));
}

if (mode == "noop-parts")
{
    // The Workspace's no-op build split: with the package, switched off, without; one node.
    NoOpBuildBenchmark.RunParts(repoRoot, work, Option("--runs", 41));
}

if (mode == "verify")
{
    VerifyBenchmark.Run(repoRoot, work, Option("--runs", 5));
}

if (mode == "watch")
{
    WatchBenchmark.Run(repoRoot, work, Option("--runs", 7));
}

if (mode == "tasks")
{
    // dotnet run ... -- tasks BINLOG: the package's task calls in a build, in order, with their node and time.
    var build = Microsoft.Build.Logging.StructuredLogger.BinaryLog.ReadBuild(args[1]);
    foreach (var task in build.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Task>(t => t.FromAssembly?.Contains(args.Length > 2 ? args[2] : "IncrementalWatch", StringComparison.Ordinal) == true))
    {
        Console.WriteLine($"{task.StartTime:HH:mm:ss.fff} node {task.NodeId} {task.GetNearestParent<Microsoft.Build.Logging.StructuredLogger.Project>()?.Name,-24} {task.Name} {task.Duration.TotalMilliseconds,6:F1} ms");
    }

    return 0;
}

if (mode == "targets")
{
    // dotnet run ... -- targets BINLOG [PREFIX]: the package's targets in a build, in order, with their project and time.
    var build = Microsoft.Build.Logging.StructuredLogger.BinaryLog.ReadBuild(args[1]);
    string prefix = args.Length > 2 ? args[2] : "IncrementalWatch";
    foreach (var target in build.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Target>(t => t.Name.Contains(prefix, StringComparison.Ordinal)))
    {
        Console.WriteLine($"{target.StartTime:HH:mm:ss.fff} node {target.NodeId} {target.Project?.Name,-24} {target.Name,-40} {target.Duration.TotalMilliseconds,6:F1} ms{(target.Skipped ? " (skipped)" : "")}");
    }

    return 0;
}

if (mode == "messages")
{
    // dotnet run ... -- messages BINLOG TEXT: every message of a build that contains TEXT, with its project.
    var build = Microsoft.Build.Logging.StructuredLogger.BinaryLog.ReadBuild(args[1]);
    foreach (var message in build.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Message>(m => m.Text?.Contains(args[2], StringComparison.Ordinal) == true))
    {
        Console.WriteLine($"{message.GetNearestParent<Microsoft.Build.Logging.StructuredLogger.Project>()?.Name,-24} {message.Text}");
    }

    return 0;
}

if (mode == "evals")
{
    // dotnet run ... -- evals BINLOG: each project evaluation in a build, with its time.
    var build = Microsoft.Build.Logging.StructuredLogger.BinaryLog.ReadBuild(args[1]);
    foreach (var e in build.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.ProjectEvaluation>(_ => true))
    {
        Console.WriteLine($"{e.Duration.TotalMilliseconds,7:F1} ms {e.Name} {e.EvaluationText}");
    }

    return 0;
}

if (mode == "scale")
{
    // Idle cost and detection latency with a big node_modules: 30,000 and 300,000 files.
    ScaleBenchmark.Run(repoRoot, work, Option("--seconds", 60), Option("--runs", 15), new[] { 30_000, 300_000 });
}

if (mode == "reliability")
{
    return ReliabilityRun.Run(repoRoot, work, Option("--restarts", 50));
}

return 0;

