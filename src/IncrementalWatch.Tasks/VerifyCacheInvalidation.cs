using System.Diagnostics;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.Verification;
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
        "IncrementalWatchVerifyProof", "IncrementalWatchVerifyBinaryLog", "IncrementalWatchVerifyReportDirectory", "IncrementalWatchVerifyWorkspaceRoot", "IncrementalWatchAllowedTargets",
    };

    private volatile bool _canceled;

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

    public void Cancel() => _canceled = true;

    protected override void ExecuteCore()
    {
        if (!File.Exists(HostAssembly))
        {
            Report(Diagnostic.CreateForFile("IW3104", EntryProject, "IncrementalWatchHostAssembly", HostAssembly, "the file does not exist"));
            return;
        }

        var closure = Projects
            .Select(p => new VerifyProject(p.GetMetadata("FullPath"), p.GetMetadata("ProjectName"), p.GetMetadata("SnapshotFile"), p.GetMetadata("TargetPath"), p.GetMetadata("IntermediateAssembly"), p.GetMetadata("TargetFramework")))
            .GroupBy(p => p.SnapshotFile, FileSystem.PathComparison.Comparer) // one per project and target framework
            .Select(g => g.First())
            .ToList();
        var entry = closure.FirstOrDefault(p => string.Equals(p.ProjectFile, EntryProject, FileSystem.PathComparison.Comparison));
        if (entry is null)
        {
            Report(Diagnostic.CreateForFile("IW3208", EntryProject, $"{EntryProject} is not among the projects to verify"));
            return;
        }

        var missing = MissingPackage.Select(m => m.GetMetadata("FullPath")).ToList();
        if (Solution.Length > 0 && LeadsSolution(out var siblingsWithout))
        {
            missing.AddRange(siblingsWithout);
        }

        Directory.CreateDirectory(ReportDirectory);
        string requestFile = Path.Combine(ReportDirectory, entry.Name + ".request");
        string resultsFile = Path.Combine(ReportDirectory, entry.Name + ".results");
        File.Delete(resultsFile);
        new VerifyRequest
        {
            Entry = entry,
            Closure = closure,
            MissingPackage = missing.Distinct(FileSystem.PathComparison.Comparer).ToList(),
            Solution = Solution.Length > 0 ? Solution : null,
            ReportDirectory = Path.GetFullPath(ReportDirectory),
            Properties = BuildGlobalProperties(IgnoredGlobalProperties).ToList(),
            AllowedTargets = AllowedTargets.SelectMany(t => t.ItemSpec.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            Proof = Proof,
            ProofInputs = ProofInputs
                .Select(i => (Item: i, Ok: Enum.TryParse(i.GetMetadata("IncrementalWatchVerifyKind"), out ProofKind kind), Kind: kind))
                .Where(x => x.Ok)
                .Select(x => new ProofInput(x.Item.GetMetadata("ProjectFile"), x.Kind, x.Item.GetMetadata("FullPath"), x.Item.GetMetadata("CopyOutput"), x.Item.GetMetadata("TargetFramework")))
                .ToList(),
            BinaryLog = BinaryLog.Length > 0 ? Path.GetFullPath(BinaryLog) : null,
            WorkspaceRoot = WorkspaceRoot.Length > 0 ? Path.GetFullPath(WorkspaceRoot) : null,
            DotnetPath = DotnetPath.Length > 0 ? DotnetPath : "dotnet",
        }.Save(requestFile);

        int exitCode = RunHost(requestFile, resultsFile);
        if (_canceled)
        {
            return;
        }

        if (!File.Exists(resultsFile))
        {
            Report(Diagnostic.CreateForFile("IW3208", EntryProject, $"the verifier exited with code {exitCode} and left no results"));
            return;
        }

        string results = File.ReadAllText(resultsFile);
        var diagnostics = VerifyReport.ReadDiagnosticLines(results).ToList();
        foreach (var diagnostic in diagnostics)
        {
            Report(diagnostic);
        }

        if (exitCode != 0 && !diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            Report(Diagnostic.CreateForFile("IW3208", EntryProject, $"the verifier exited with code {exitCode} without naming a failure"));
        }

        string summary = VerifyReport.ReadSummary(results) ?? entry.Name + ": FAILED: the verifier wrote no report";
        Log.LogMessage(MessageImportance.High, "IncrementalWatch verify {0}", summary);
    }

    private int RunHost(string requestFile, string resultsFile)
    {
        var start = new ProcessStartInfo(DotnetPath.Length > 0 ? DotnetPath : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string arg in new[] { "exec", HostAssembly, "verify", "--request", requestFile, "--results", resultsFile })
        {
            start.ArgumentList.Add(arg);
        }

        using var host = Process.Start(start) ?? throw new IOException($"'{start.FileName}' did not start.");
        host.StandardInput.Close();
        host.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Log.LogMessage(MessageImportance.Normal, "{0}", line);
            }
        };
        host.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Log.LogMessage(MessageImportance.High, "{0}", line);
            }
        };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        while (!host.WaitForExit(200))
        {
            if (_canceled)
            {
                host.Kill(entireProcessTree: true);
                host.WaitForExit(10_000);
                return -1;
            }
        }

        host.WaitForExit();
        return host.ExitCode;
    }

    /// <summary>
    /// On a solution, the first project (in the solution's order) that has the package also
    /// names the solution's projects that lack it, once; the others stay quiet about them.
    /// Whether a project has the package is read from its restore output (obj/project.assets.json).
    /// </summary>
    private bool LeadsSolution(out List<string> without)
    {
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

        var with = new List<string>();
        foreach (string project in projects)
        {
            string assets = Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json");
            if (!File.Exists(project) || !File.Exists(assets))
            {
                continue;
            }

            bool has = File.ReadAllText(assets).Contains("\"IncrementalWatch/", StringComparison.OrdinalIgnoreCase);
            (has ? with : without).Add(project);
        }

        return with.Count > 0 && string.Equals(with[0], EntryProject, FileSystem.PathComparison.Comparison);
    }
}
