using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using Microsoft.Build.Framework;

namespace IncrementalWatch.Tasks;

/// <summary>
/// Runs the cache verifier (the host's "verify" command) for one project and logs what it
/// found as IW-coded errors, with a one-line summary. Each verification of a workspace waits
/// for the others (a solution's projects), so their builds never overlap.
/// </summary>
public sealed class VerifyCacheInvalidation : IncrementalWatchTask, ICancelableTask
{
    private static readonly string[] IgnoredGlobalProperties =
    {
        "MSBuildRestoreSessionId", "MSBuildIsRestoring", "ExcludeRestorePackageImports", "CurrentSolutionConfigurationContents", "BuildingSolutionFile",
        "IncrementalWatchVerifyProof", "IncrementalWatchVerifyBinaryLog", "IncrementalWatchVerifyReportDirectory", "IncrementalWatchVerifyWorkspaceRoot", "IncrementalWatchAllowedTargets", "IncrementalWatchVerifyStrict",
    };

    private readonly CancellationTokenSource _cancel = new();

    [Required]
    public string HostAssembly { get; set; } = "";

    public string DotnetPath { get; set; } = "";

    [Required]
    public string EntryProject { get; set; } = "";

    /// <summary>The entry and the projects it references that have the package (IncrementalWatchGetVerifyProjects).</summary>
    public ITaskItem[] Projects { get; set; } = [];

    /// <summary>Inputs the invalidation proof may change (metadata IncrementalWatchVerifyKind, ProjectFile, CopyOutput).</summary>
    public ITaskItem[] ProofInputs { get; set; } = [];

    /// <summary>Referenced projects without the package.</summary>
    public ITaskItem[] MissingPackage { get; set; } = [];

    /// <summary>The solution being built, when the build was started on one.</summary>
    public string Solution { get; set; } = "";

    [Required]
    public string ReportDirectory { get; set; } = "";

    public ITaskItem[] AllowedTargets { get; set; } = [];

    public bool Proof { get; set; }

    public string BinaryLog { get; set; } = "";

    public string WorkspaceRoot { get; set; } = "";

    /// <summary>IncrementalWatchVerifyStrict: work done by package and SDK targets fails the check too.</summary>
    public bool Strict { get; set; }

    /// <summary>$(NuGetPackageRoot): targets defined below it belong to a package.</summary>
    public string PackagesRoot { get; set; } = "";

    /// <summary>IncrementalWatchNeverInputFolders.</summary>
    public string[] NeverInputFolders { get; set; } = Array.Empty<string>();

    public void Cancel() => _cancel.Cancel();

    protected override void ExecuteCore()
    {
        if (!File.Exists(HostAssembly))
        {
            Report(Descriptors.IW3104.CreateForFile(EntryProject, "IncrementalWatchHostAssembly", HostAssembly, "the file does not exist"));
            return;
        }

        var projects = Projects.ToList();
        var proofInputs = ProofInputs.ToList();
        var missing = MissingPackage.Select(m => m.GetMetadata("FullPath")).ToList();
        string? solution = null;
        if (Solution.Length > 0 && ReadSolution(out var with, out var without))
        {
            // A solution is verified once, by its first project that has the package: two builds
            // of the solution, each project's outputs checked once, one report. The others only
            // say who verifies them.
            if (with.Count == 0 || !string.Equals(with[0], EntryProject, FileSystem.PathComparison.Comparison))
            {
                Log.LogMessage(MessageImportance.Normal, "IncrementalWatch verify {0}: verified with the solution {1} by {2}", Path.GetFileNameWithoutExtension(EntryProject), Solution, with.Count > 0 ? Path.GetFileNameWithoutExtension(with[0]) : "none");
                return;
            }

            if (!CollectSolution(with, projects, proofInputs))
            {
                return;
            }

            solution = Solution;
            missing.AddRange(without);
        }

        var closure = projects
            .Where(p => p.GetMetadata("IncrementalWatchVerifyKind") is "" or "Project")
            .Select(p => new VerifyProject(p.GetMetadata("FullPath"), p.GetMetadata("ProjectName"), p.GetMetadata("SnapshotFile"), p.GetMetadata("TargetPath"), p.GetMetadata("IntermediateAssembly"), p.GetMetadata("TargetFramework")))
            .GroupBy(p => p.SnapshotFile, FileSystem.PathComparison.Comparer) // one per project and target framework
            .Select(g => g.First())
            .ToList();
        var entry = closure.FirstOrDefault(p => string.Equals(p.ProjectFile, EntryProject, FileSystem.PathComparison.Comparison));
        if (entry is null)
        {
            Report(Descriptors.IW3208.CreateForFile(EntryProject, $"{EntryProject} is not among the projects to verify"));
            return;
        }

        Directory.CreateDirectory(ReportDirectory);
        string reportName = solution is null ? entry.Name : Path.GetFileNameWithoutExtension(solution);
        string requestFile = Path.Combine(ReportDirectory, reportName + ".request");
        string resultsFile = Path.Combine(ReportDirectory, reportName + ".results");
        File.Delete(resultsFile);
        new VerifyRequest
        {
            Entry = entry,
            Closure = closure,
            MissingPackage = missing.Distinct(FileSystem.PathComparison.Comparer).ToList(),
            Solution = solution,
            ReportDirectory = Path.GetFullPath(ReportDirectory),
            // On a solution the builds are of the solution: the project-level Platform the
            // solution gave this project (AnyCPU) is no solution platform ("Any CPU").
            Properties = BuildGlobalProperties(solution is null ? IgnoredGlobalProperties : [.. IgnoredGlobalProperties, "Platform"]).ToList(),
            AllowedTargets = AllowedTargets.SelectMany(t => t.ItemSpec.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            Proof = Proof,
            ProofInputs = proofInputs
                .Select(i => (Item: i, Ok: Enum.TryParse(i.GetMetadata("IncrementalWatchVerifyKind"), out ProofKind kind), Kind: kind))
                .Where(x => x.Ok)
                .Select(x => new ProofInput(x.Item.GetMetadata("ProjectFile"), x.Kind, x.Item.GetMetadata("FullPath"), x.Item.GetMetadata("CopyOutput"), x.Item.GetMetadata("TargetFramework")))
                .ToList(),
            BinaryLog = BinaryLog.Length > 0 ? Path.GetFullPath(BinaryLog) : null,
            WorkspaceRoot = WorkspaceRoot.Length > 0 ? Path.GetFullPath(WorkspaceRoot) : null,
            DotnetPath = DotnetPath.Length > 0 ? DotnetPath : "dotnet",
            Strict = Strict,
            PackagesRoot = PackagesRoot.Length > 0 ? PackagesRoot : null,
            NeverInputFolders = NeverInputFolders,
        }.Save(requestFile);

        if (RunHost(requestFile, resultsFile) is not int exitCode)
        {
            return;
        }

        if (!File.Exists(resultsFile))
        {
            Report(Descriptors.IW3208.CreateForFile(EntryProject, $"the verifier exited with code {exitCode} and left no results"));
            return;
        }

        VerifyResults results;
        try
        {
            results = VerifyResults.Load(resultsFile);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Report(Descriptors.IW3208.CreateForFile(EntryProject, ex.Message));
            return;
        }

        foreach (var diagnostic in results.Diagnostics)
        {
            Report(diagnostic);
        }

        if (exitCode != 0 && !results.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            Report(Descriptors.IW3208.CreateForFile(EntryProject, $"the verifier exited with code {exitCode} without naming a failure"));
        }

        string summary = results.Summary.Length > 0 ? results.Summary : reportName + ": FAILED: the verifier could not run";
        Log.LogMessage(MessageImportance.High, "IncrementalWatch verify {0}", summary);
    }

    /// <summary>Runs the verifier; null when the build was cancelled (the verifier is ended at once).</summary>
    private int? RunHost(string requestFile, string resultsFile)
    {
        using var host = HostProcess.Start(
            DotnetPath, HostAssembly, ["verify", "--request", requestFile, "--results", resultsFile],
            output: line => Log.LogMessage(MessageImportance.Normal, "{0}", line),
            error: line => Log.LogMessage(MessageImportance.High, "{0}", line));
        host.CloseInput();
        return host.WaitForExit(_cancel.Token, TimeSpan.Zero);
    }

    /// <summary>
    /// The solution's projects, split by whether they have the package (read from their restore
    /// output, obj/project.assets.json), in the solution's order.
    /// </summary>
    private bool ReadSolution(out List<string> with, out List<string> without)
    {
        with = new List<string>();
        without = new List<string>();
        List<string> projects;
        try
        {
            projects = SolutionFile.ProjectPaths(Solution);
        }
        catch (Exception ex) when (ex is IOException or System.Xml.XmlException or UnauthorizedAccessException)
        {
            Log.LogMessage(MessageImportance.Low, "Cannot read the solution {0}: {1}", Solution, ex.Message);
            return false;
        }

        foreach (string project in projects)
        {
            string assets = Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json");
            if (!File.Exists(project) || !File.Exists(assets))
            {
                continue;
            }

            bool has = File.ReadAllText(assets).Contains("\"IncrementalWatch/", StringComparison.OrdinalIgnoreCase);
            (has ? with : without).Add(project);

            // Every project of the solution runs this; only the first with the package (the
            // lead) needs the whole list, the others only need to know who leads.
            if (with.Count == 1 && has && !string.Equals(project, EntryProject, FileSystem.PathComparison.Comparison))
            {
                break;
            }
        }

        return true;
    }

    /// <summary>
    /// Asks every project of the solution that has the package for what to verify (the
    /// IncrementalWatchGetVerifyProjects target, evaluated in this same build, so it costs
    /// little), with this project's global properties (those the solution gave it).
    /// </summary>
    private bool CollectSolution(List<string> with, List<ITaskItem> projects, List<ITaskItem> proofInputs)
    {
        const string target = "IncrementalWatchGetVerifyProjects";
        if (BuildEngine is not IBuildEngine3 engine)
        {
            Report(Descriptors.IW3208.CreateForFile(EntryProject, "this MSBuild cannot build the solution's projects from a task"));
            return false;
        }

        // The leader's own items first, on its own: a project that references the leader asks
        // it for them, and the leader, waiting in this task, can only answer from results
        // already built (MSBuild refuses a new request on it as a cycle).
        string[] own = { EntryProject };
        string[] others = with.Where(p => !string.Equals(p, EntryProject, FileSystem.PathComparison.Comparison)).ToArray();
        var results = new List<IDictionary<string, ITaskItem[]>>();
        foreach (string[] files in new[] { own, others }.Where(f => f.Length > 0))
        {
            var none = files.Select(_ => (System.Collections.IDictionary)new System.Collections.Hashtable()).ToArray();
            var remove = files.Select(_ => (IList<string>)new[] { "TargetFramework", "RuntimeIdentifier", "SelfContained" }).ToArray();
            var result = engine.BuildProjectFilesInParallel(files, new[] { target }, none, remove, new string[files.Length], returnTargetOutputs: true);
            if (!result.Result)
            {
                Report(Descriptors.IW3208.CreateForFile(Solution, $"the solution's projects could not say what to verify ({target} failed; see the errors above)"));
                return false;
            }

            results.AddRange(result.TargetOutputsPerProject);
        }

        foreach (var outputs in results)
        {
            if (!outputs.TryGetValue(target, out var items))
            {
                continue;
            }

            foreach (var item in items)
            {
                (item.GetMetadata("IncrementalWatchVerifyKind") is "" or "Project" ? projects : proofInputs).Add(item);
            }
        }

        return true;
    }
}
