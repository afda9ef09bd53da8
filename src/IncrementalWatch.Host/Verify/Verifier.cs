using System.Diagnostics;
using System.Globalization;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Host.Verify;

/// <summary>
/// Verifies one project's build caches: (1) before anything is built, that its outputs (and
/// those of the projects it references) were built from the content the sources have now;
/// (2) that a second build does no real work, from its binary log; (3) when asked, that
/// changing each kind of input with its timestamp kept changes the outputs, in a scratch copy.
/// Writes the reports and returns 0 when every check passed.
/// </summary>
public sealed class Verifier
{
    private readonly VerifyRequest _request;
    private readonly VerifyReport _report;
    private readonly InnerBuild _builds;
    private readonly TextWriter _progress;

    public Verifier(VerifyRequest request, TextWriter progress)
    {
        _request = request;
        _report = new VerifyReport(request.ReportName) { PerProject = request.SolutionMode };
        _builds = new InnerBuild(request.DotnetPath, request.Properties);
        _progress = progress;
    }

    /// <summary>The report's name: the solution's on a solution, else the entry project's.</summary>
    private string Entry => _request.ReportName;

    /// <summary>What the two builds build: the solution (once for all its projects), or the entry project.</summary>
    private string BuildTarget => _request.Solution ?? _request.Entry.ProjectFile;

    public async Task<VerifyReport> RunAsync(CancellationToken cancellation)
    {
        Directory.CreateDirectory(_request.ReportDirectory);
        string root = WorkspaceCopy.FindRoot(_request);
        Say($"waiting for other verifications of {root}");
        using (await VerifyLock.AcquireAsync(root, TimeSpan.FromHours(2), cancellation).ConfigureAwait(false))
        {
            foreach (string missing in _request.MissingPackage)
            {
                _report.Notes.Add(Descriptors.IW3207.CreateForFile(missing, missing));
            }

            CheckStaleOutputs();
            await CheckIncrementalityAsync(cancellation).ConfigureAwait(false);
            if (_request.Proof)
            {
                await ProveInvalidationAsync(root, cancellation).ConfigureAwait(false);
            }
            else
            {
                _report.Add(new CheckResult(VerifyReport.ProofCategory, Entry, CheckStatus.Skipped, "not requested (opt in with -p:IncrementalWatchVerifyProof=true)", TimeSpan.Zero));
            }
        }

        WriteReports();
        return _report;
    }

    /// <summary>
    /// Set by the stale-output check: the outputs match the current content in every project and
    /// framework the tree's build makes (one it never makes, such as a framework of a referenced
    /// project that nothing in the solution uses, has no outputs and does not count).
    /// </summary>
    private bool _allFresh;

    private void CheckStaleOutputs()
    {
        Say("checking outputs against the content snapshots");
        _allFresh = true;
        bool anyFresh = false;
        foreach (var project in _request.Closure)
        {
            var clock = Stopwatch.StartNew();
            var result = StaleOutputCheck.Check(project);
            var check = (result.Outcome switch
            {
                StaleOutcome.Fresh => new CheckResult(VerifyReport.StaleCategory, project.Label, CheckStatus.Passed, "outputs match the current content of every input", clock.Elapsed),
                StaleOutcome.NotBuilt => new CheckResult(VerifyReport.StaleCategory, project.Label, CheckStatus.Skipped, "not built yet: no outputs to check", clock.Elapsed, Descriptors.IW1203.CreateForFile(project.ProjectFile, project.Label)),
                StaleOutcome.Relocated => new CheckResult(VerifyReport.StaleCategory, project.Label, CheckStatus.Failed, $"the content snapshot was recorded for {result.Differences[0]}, not for {project.Directory}", clock.Elapsed,
                    Descriptors.IW3209.CreateForFile(project.ProjectFile, project.Label, project.SnapshotFile, result.Differences[0], project.Directory)),
                StaleOutcome.NoSnapshot => new CheckResult(VerifyReport.StaleCategory, project.Label, CheckStatus.Failed, "outputs without a content snapshot", clock.Elapsed,
                    Descriptors.IW3202.CreateForFile(project.ProjectFile, project.Label, project.SnapshotFile, result.Differences.FirstOrDefault() ?? "missing")),
                _ => new CheckResult(VerifyReport.StaleCategory, project.Label, CheckStatus.Failed, "built from other content: " + string.Join("; ", result.Differences), clock.Elapsed,
                    Descriptors.IW3201.CreateForFile(project.ProjectFile, project.Label, result.Differences.Count, string.Join("; ", result.Differences.Take(10)) + (result.Differences.Count > 10 ? "; ..." : ""))),
            }) with { Project = project.Name };
            _allFresh &= result.Outcome is StaleOutcome.Fresh or StaleOutcome.NotBuilt;
            anyFresh |= result.Outcome == StaleOutcome.Fresh;
            _report.Add(check);
        }

        _allFresh &= anyFresh;
    }

    private async Task CheckIncrementalityAsync(CancellationToken cancellation)
    {
        string binlog;
        IReadOnlyList<string> changed = Array.Empty<string>();
        var clock = Stopwatch.StartNew();
        if (_request.BinaryLog is { } given)
        {
            binlog = Path.GetFullPath(given);
            Say($"reading the given binary log {binlog}");
        }
        else
        {
            // The usual CI order is build, then verify: when every output already matches the
            // current content, that build was the first one and the check goes straight to the
            // second. Otherwise it builds first (no restore: the dotnet build that runs this
            // verification has just restored).
            if (_allFresh)
            {
                Say("every output matches the current content: the build before this one counts as the first build");
            }
            else
            {
                Say($"building {Entry} (first build)");
                var first = await _builds.RunAsync(BuildTarget, LogPath("build1.log"), restore: false, cancellation: cancellation).ConfigureAwait(false);
                if (!BuildSucceeded(first, "first", VerifyReport.IncrementalityCategory))
                {
                    return;
                }
            }

            var folders = _request.Closure.Select(p => p.Directory).ToList();
            var before = TreeState.Capture(folders, NeverInputs.FromList(_request.NeverInputFolders));
            binlog = LogPath("second.binlog");
            Say($"building {Entry} again, with a binary log (second build)");
            var second = await _builds.RunAsync(BuildTarget, LogPath("build2.log"), restore: false, binlog, cancellation).ConfigureAwait(false);
            if (!BuildSucceeded(second, "second", VerifyReport.IncrementalityCategory))
            {
                return;
            }

            // The package's own snapshot is left out: it is the package's record of what it saw,
            // no build output, and it is rewritten when a file's timestamp moved with its content
            // kept (the tool that moved it, if it does so on every build, is what gets named).
            changed = TreeState.Capture(folders, NeverInputs.FromList(_request.NeverInputFolders)).ChangedSince(before)
                .Where(f => !f.StartsWith(Path.GetFullPath(_request.ReportDirectory), PathComparison.Comparison))
                .Where(f => !f.EndsWith(SnapshotFile.Extension, PathComparison.Comparison))
                .ToList();
        }

        Microsoft.Build.Logging.StructuredLogger.Build log;
        try
        {
            log = BinlogAnalysis.Read(binlog);
        }
        catch (InvalidDataException ex)
        {
            _report.Add(new CheckResult(VerifyReport.IncrementalityCategory, Entry, CheckStatus.Failed, $"the binary log cannot be read: {ex.Message}", clock.Elapsed,
                Descriptors.IW3205.CreateForFile(binlog, binlog, ex.Message)));
            return;
        }

        string entryFile = _request.Entry.ProjectFile;
        // Every project the build touched: on a solution the one run covers all of them.
        var ownership = new TargetOwnership(_request.PackagesRoot, DotnetRoot());
        var work = BinlogAnalysis.FindWork(log, changed, ownership);
        var allowed = new HashSet<string>(_request.AllowedTargets, StringComparer.OrdinalIgnoreCase);
        int ran = log.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Target>(t => !t.Skipped).Count;
        var results = work
            .Select(w => Judge(w, allowed, entryFile) with { Project = w.ProjectFile.Length > 0 ? Path.GetFileNameWithoutExtension(w.ProjectFile) : "" })
            .ToList();
        if (!results.Any(r => r.Status == CheckStatus.Failed))
        {
            int outside = results.Count(r => r.Status == CheckStatus.Warned);
            string others = outside == 0 ? "all bookkeeping (no tool run, no file written)" : $"{outside} outside your repository did work (listed below)";
            _report.Add(new CheckResult(VerifyReport.IncrementalityCategory, "second build does no work", CheckStatus.Passed,
                string.Create(CultureInfo.InvariantCulture, $"{ran} targets ran, {others}; {log.Duration.TotalMilliseconds:0} ms; log: {binlog}"), log.Duration));
        }

        foreach (var result in results)
        {
            _report.Add(result);
        }
    }

    /// <summary>
    /// One finding of the second build: the user's own targets fail the check; targets of
    /// packages and of the SDK are listed as warnings naming their owner (the user cannot change
    /// them), unless IncrementalWatchVerifyStrict; targets the user allowed pass as allowed.
    /// </summary>
    private CheckResult Judge(TargetWork item, HashSet<string> allowed, string entryFile)
    {
        string project = item.ProjectFile.Length > 0 ? Path.GetFileNameWithoutExtension(item.ProjectFile) : Entry;
        string file = item.ProjectFile.Length > 0 ? item.ProjectFile : entryFile;
        string evidence = string.Join("; ", item.Evidence);
        string ms = item.Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        string owner = item.DefinedIn.Length > 0 ? $"{item.Owner} ({item.DefinedIn})" : item.Owner.ToString();
        if (item.Target == TargetWork.Unattributed)
        {
            var status = _request.Strict ? CheckStatus.Failed : CheckStatus.Warned;
            return new CheckResult(VerifyReport.IncrementalityCategory, "files changed by no logged task", status, $"{item.Reason}: {evidence}", TimeSpan.Zero,
                (_request.Strict ? Descriptors.IW3210 : Descriptors.IW2202).CreateForFile(entryFile, Entry, item.Evidence.Count, evidence));
        }

        string name = $"{project}: {item.Target}";
        string detail = $"{item.Owner}; {item.Reason}; {evidence}";
        if (allowed.Contains(item.Target))
        {
            return new CheckResult(VerifyReport.IncrementalityCategory, name, CheckStatus.Allowed, detail, item.Duration,
                Descriptors.IW1202.CreateForFile(item.ProjectFile, project, item.Target, item.Reason, ms));
        }

        if (item.Owner.Kind == OwnerKind.User || _request.Strict)
        {
            return new CheckResult(VerifyReport.IncrementalityCategory, name, CheckStatus.Failed, detail, item.Duration,
                Descriptors.IW3203.CreateForFile(file, project, item.Target, item.Reason, ms, evidence, owner));
        }

        return new CheckResult(VerifyReport.IncrementalityCategory, name, CheckStatus.Warned, detail, item.Duration,
            Descriptors.IW2201.CreateForFile(file, project, item.Target, owner, item.Reason, ms, evidence));
    }

    /// <summary>The .NET installation: the folder of the dotnet that runs this host (targets under it are the SDK's).</summary>
    private static string? DotnetRoot()
    {
        string? process = Environment.ProcessPath;
        if (process is null)
        {
            return null;
        }

        var resolved = new FileInfo(process).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? process;
        return Path.GetDirectoryName(resolved);
    }

    private async Task ProveInvalidationAsync(string root, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var copy = WorkspaceCopy.Create(root, NeverInputs.FromList(_request.NeverInputFolders));
        Say($"copied {root} to {copy.Root} for the invalidation proof (removed afterwards)");
        string entry = copy.Map(_request.Entry.ProjectFile);
        if (string.Equals(entry, _request.Entry.ProjectFile, PathComparison.Comparison))
        {
            _report.Add(new CheckResult(VerifyReport.ProofCategory, Entry, CheckStatus.Failed, $"the project is outside the workspace root {root}", TimeSpan.Zero,
                Descriptors.IW3208.Create($"{_request.Entry.ProjectFile} is outside the workspace root {root}; set IncrementalWatchVerifyWorkspaceRoot")));
            return;
        }

        Say($"building the copy in {copy.Root}");
        var baseline = await _builds.RunAsync(_request.Solution is { } solution ? copy.Map(solution) : entry, LogPath("proof-build.log"), restore: true, cancellation: cancellation).ConfigureAwait(false);
        if (!BuildSucceeded(baseline, "proof baseline", VerifyReport.ProofCategory))
        {
            return;
        }

        // One group per project file: a multi-targeted project's target frameworks share its
        // inputs, and each framework's outputs must change.
        var projects = _request.Closure
            .GroupBy(p => p.ProjectFile, PathComparison.Comparer)
            .Select(g => g.ToList());
        int number = 0;
        foreach (var builds in projects)
        {
            var project = builds[0];
            var cases = Cases(builds, copy);
            if (cases.Count == 0)
            {
                _report.Add(new CheckResult(VerifyReport.ProofCategory, project.Name, CheckStatus.Skipped, "no inputs of a kind the proof changes", TimeSpan.Zero) { Project = project.Name });
            }

            foreach (var (kind, input, outputs) in cases)
            {
                number++;
                string label = $"{project.Name}: {kind} {Path.GetRelativePath(copy.Map(project.Directory), input)}";
                Say($"proof: {label}");
                var caseClock = Stopwatch.StartNew();
                var before = outputs.Select(o => o.Select(Fingerprint).ToList()).ToList();
                string change = InputMutation.Apply(input, kind, string.Create(CultureInfo.InvariantCulture, $"{number}x{Environment.ProcessId}"));
                // On a solution, the changed project is rebuilt (with what it references); for one
                // project, the entry, which also builds what it references.
                string rebuilt = _request.SolutionMode ? copy.Map(project.ProjectFile) : entry;
                var rebuild = await _builds.RunAsync(rebuilt, LogPath($"proof-{number}.log"), restore: false, cancellation: cancellation).ConfigureAwait(false);
                var after = outputs.Select(o => o.Select(Fingerprint).ToList()).ToList();

                // Every build (each target framework) must show the change in one of its outputs;
                // a framework the entry's build does not make (an app uses one of its library's
                // frameworks) has no outputs before or after and is not asked.
                bool Built(int i) => before[i].Any(f => f.Hash is not null) || after[i].Any(f => f.Hash is not null);
                bool anyBuilt = Enumerable.Range(0, outputs.Count).Any(Built);
                var unchanged = outputs
                    .Where((_, i) => (!anyBuilt || Built(i))
                        && !before[i].Zip(after[i]).Any(p => kind == ProofKind.AdditionalFile ? p.First.Written != p.Second.Written : p.First.Hash != p.Second.Hash))
                    .ToList();
                var named = unchanged.Count > 0 ? unchanged : outputs.Where((_, i) => !anyBuilt || Built(i)).ToList();
                string outputNames = string.Join(" and ", named.SelectMany(o => o).Select(o => Path.GetRelativePath(copy.Map(project.Directory), o)));
                string relativeInput = Path.GetRelativePath(copy.Root, input);
                if (!rebuild.Succeeded)
                {
                    string why = $"the rebuild failed (exit code {rebuild.ExitCode}): {string.Join(" ", rebuild.Errors)}";
                    _report.Add(new CheckResult(VerifyReport.ProofCategory, label, CheckStatus.Failed, $"{change}; {why}", caseClock.Elapsed,
                        Descriptors.IW3206.CreateForFile(project.ProjectFile, project.Name, kind, relativeInput, change, why)) { Project = project.Name });
                }
                else if (unchanged.Count == 0)
                {
                    string what = kind == ProofKind.AdditionalFile ? "the compiler ran again" : $"{outputNames} changed";
                    _report.Add(new CheckResult(VerifyReport.ProofCategory, label, CheckStatus.Passed, $"{change}; {what}", caseClock.Elapsed) { Project = project.Name });
                }
                else
                {
                    string why = kind == ProofKind.AdditionalFile ? $"the compiler did not run again ({outputNames} untouched)" : $"{outputNames} did not change: the build used the old content";
                    _report.Add(new CheckResult(VerifyReport.ProofCategory, label, CheckStatus.Failed, $"{change}; {why}", caseClock.Elapsed,
                        Descriptors.IW3206.CreateForFile(project.ProjectFile, project.Name, kind, relativeInput, change, why)) { Project = project.Name });
                }
            }
        }

        Say(string.Create(CultureInfo.InvariantCulture, $"proof done in {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>
    /// One input of each kind the project has in the copied tree (never a file of a package or
    /// anything else outside it, which the proof must not change), the first by path, from its evaluation, and
    /// listed by every one of its target frameworks), mapped into the copy, with the outputs
    /// of each build (target framework) that must change.
    /// </summary>
    private List<(ProofKind Kind, string Input, IReadOnlyList<IReadOnlyList<string>> Outputs)> Cases(IReadOnlyList<VerifyProject> builds, WorkspaceCopy copy)
    {
        var project = builds[0];
        string obj = Path.Combine(project.Directory, "obj") + Path.DirectorySeparatorChar;
        return _request.ProofInputs
            .Where(i => string.Equals(i.ProjectFile, project.ProjectFile, PathComparison.Comparison) && File.Exists(i.Path) && copy.Contains(i.Path)
                        && !i.Path.StartsWith(obj, PathComparison.Comparison) && (i.Kind is not (ProofKind.CopiedFile or ProofKind.SatelliteResx) || i.CopyOutput.Length > 0))
            .GroupBy(i => (i.Kind, i.Path))
            .Where(g => g.Select(i => i.TargetFramework).Distinct(StringComparer.OrdinalIgnoreCase).Count() >= builds.Count)
            .Select(g => g.First())
            .GroupBy(i => i.Kind)
            .OrderBy(g => g.Key)
            .Select(g => g.OrderBy(i => i.Path, StringComparer.Ordinal).First())
            .Select(i => (i.Kind, copy.MapForChange(i.Path), (IReadOnlyList<IReadOnlyList<string>>)builds.Select(b => OutputsOf(b, i, copy)).ToList()))
            .ToList();
    }

    /// <summary>What must change in one build (target framework) when <paramref name="input"/> changes.</summary>
    private IReadOnlyList<string> OutputsOf(VerifyProject build, ProofInput input, WorkspaceCopy copy) => input.Kind switch
    {
        ProofKind.CopiedFile or ProofKind.SatelliteResx => new[] { copy.Map(_request.ProofInputs.FirstOrDefault(i => i.Path == input.Path && i.Kind == input.Kind && i.TargetFramework == build.TargetFramework)?.CopyOutput ?? input.CopyOutput) },
        ProofKind.AdditionalFile => new[] { copy.Map(build.IntermediateAssembly) },
        _ => new[] { copy.Map(build.IntermediateAssembly), copy.Map(build.TargetPath) },
    };

    private static (ContentHash? Hash, DateTime Written) Fingerprint(string path) =>
        File.Exists(path) ? (ContentHash.OfFile(path), File.GetLastWriteTimeUtc(path)) : (null, default);

    private bool BuildSucceeded(InnerBuildResult build, string which, string category)
    {
        if (build.Succeeded)
        {
            return true;
        }

        string errors = build.Errors.Count > 0 ? string.Join(" ", build.Errors) : "no error lines; see the log";
        _report.Add(new CheckResult(category, $"{Entry}: {which} build", CheckStatus.Failed, $"the {which} build failed (exit code {build.ExitCode}): {errors}", build.Duration,
            Descriptors.IW3204.CreateForFile(_request.Entry.ProjectFile, Entry, which, build.ExitCode, build.LogFile, errors)));
        return false;
    }

    private string LogPath(string name) => Path.Combine(_request.ReportDirectory, $"{Entry}.{name}");

    private void WriteReports()
    {
        string markdown = _report.ToMarkdown();
        AtomicFile.Write(Path.Combine(_request.ReportDirectory, Entry + ".md"), System.Text.Encoding.UTF8.GetBytes(markdown));
        using (var junit = new MemoryStream())
        {
            _report.ToJUnit().Save(junit);
            AtomicFile.Write(Path.Combine(_request.ReportDirectory, Entry + ".junit.xml"), junit.ToArray());
        }

        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            File.AppendAllText(summary, markdown + "\n");
        }
    }

    private void Say(string line) => _progress.WriteLine("verify: " + line);
}
