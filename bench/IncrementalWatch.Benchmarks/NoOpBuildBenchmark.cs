namespace IncrementalWatch.Benchmarks;

/// <summary>
/// A no-op `dotnet build` with the package beside the same tree without it, alternating in one
/// run, on two trees: testassets/Workspace (App -> Lib) and a generated 20-project solution
/// shaped like a real repository (<see cref="RepoShape"/>). Each is measured with restore and
/// with --no-restore, and with UseSharedCompilation as the environment sets it and with the
/// compiler server on (a no-op build never starts the compiler, so those two differ by noise).
/// </summary>
public static class NoOpBuildBenchmark
{
    private sealed record Tree(string Label, string[] WithArgs, string[] WithoutArgs, int Runs);

    public static void Run(string repoRoot, string workDirectory, int runs, int repoRuns)
    {
        var (feed, packages, withVersion) = Prepare(repoRoot, workDirectory);
        // A tree given 0 runs is left out, so one row can be measured again on its own
        // (--repo-runs 0: the Workspace only; --runs 0 --repo-runs N: the 20 projects only).
        var trees = new List<Tree>();
        if (runs > 0)
        {
            trees.Add(Workspace(repoRoot, workDirectory, feed, withVersion, runs));
        }

        if (repoRuns > 0)
        {
            string with = RepoShape.Generate(repoRoot, Path.Combine(workDirectory, "repo-with"), feed);
            string without = RepoShape.Generate(repoRoot, Path.Combine(workDirectory, "repo-without"), feed);
            trees.Add(new("generated 20-project repository (libraries, a multi-targeted one, 5 xunit test projects, a Razor Pages app), `dotnet build Repo.slnx`", ["build", with, withVersion], ["build", without], repoRuns));
        }

        string asSet = Environment.GetEnvironmentVariable("UseSharedCompilation") is { Length: > 0 } value ? $"UseSharedCompilation={value} (as set)" : "UseSharedCompilation unset (as set)";
        foreach (var tree in trees)
        {
            WarmUp(repoRoot, packages, tree);
            var results = new List<Measure.Comparison>();
            foreach (var (restoreLabel, restoreArgs) in new[] { ("with restore", Array.Empty<string>()), ("--no-restore", new[] { "--no-restore" }) })
            {
                var bySetting = new List<Measure.Comparison>();
                foreach (var (label, server) in new[] { (asSet, (string?)null), ("UseSharedCompilation=true (server on)", "true") })
                {
                    bySetting.Add(Measure.Compare(
                        $"with the package, {restoreLabel}, {label}", () => Dotnet(repoRoot, packages, server, [.. tree.WithArgs, .. restoreArgs]),
                        "without it", () => Dotnet(repoRoot, packages, server, [.. tree.WithoutArgs, .. restoreArgs]),
                        tree.Runs));
                }

                // A no-op build never starts the compiler, so the two settings measure the same
                // builds: pooled, they give twice the runs and a narrower interval.
                results.AddRange(bySetting);
                results.Add(bySetting[0].Pool(bySetting[1], $"with the package, {restoreLabel}, both settings pooled"));
            }

            // Noise between two identical no-op builds is several percent on a shared 2-core
            // machine, so also read the package's own share straight from a no-op build's binary log.
            string binlog = Path.Combine(workDirectory, "noop.binlog");
            var shares = new List<double>();
            var totals = new List<double>();
            var evaluationsWith = new List<double>();
            var evaluationsWithout = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                Dotnet(repoRoot, packages, null, [.. tree.WithArgs, "--no-restore", $"-bl:{binlog}"]);
                var build = Microsoft.Build.Logging.StructuredLogger.BinaryLog.ReadBuild(binlog);
                var all = build.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Target>(_ => true);
                // The package's targets: the private ones and the public IncrementalWatchClassifyInputs.
                shares.Add(all.Where(t => t.Name.StartsWith("_IncrementalWatch", StringComparison.Ordinal) || t.Name.StartsWith("IncrementalWatch", StringComparison.Ordinal)).Sum(t => t.Duration.TotalMilliseconds));
                totals.Add(all.Sum(t => t.Duration.TotalMilliseconds));
                evaluationsWith.Add(EvaluationMilliseconds(build));

                // The same tree without the package: what evaluating the package's props and
                // targets adds, which the target times above do not show.
                Dotnet(repoRoot, packages, null, [.. tree.WithoutArgs, "--no-restore", $"-bl:{binlog}"]);
                evaluationsWithout.Add(EvaluationMilliseconds(Microsoft.Build.Logging.StructuredLogger.BinaryLog.ReadBuild(binlog)));
            }

            Console.WriteLine();
            Console.WriteLine($"{tree.Label}: no-op builds, {tree.Runs} runs each, alternating");
            Console.WriteLine(Measure.TableHeader);
            results.ForEach(Console.WriteLine);
            Console.WriteLine($"IncrementalWatch targets inside a --no-restore no-op build (binlog, median of 5): {Measure.Median(shares):F1} ms of {Measure.Median(totals):F0} ms summed target time ({Measure.Median(shares) / Measure.Median(totals):P1})");
            Console.WriteLine($"Project evaluations in the same builds (binlog, summed over every evaluation, median of 5): {Measure.Median(evaluationsWith):F0} ms with the package, {Measure.Median(evaluationsWithout):F0} ms without ({Measure.Median(evaluationsWith) / Measure.Median(evaluationsWithout):F3})");
        }
    }

    /// <summary>
    /// Where a no-op build's extra time goes, on the Workspace with one MSBuild node (-m:1) and
    /// --no-restore: with the package, with it switched off (-p:IncrementalWatchEnabled=false:
    /// its props and targets are imported and evaluated, no check runs) and without it, in
    /// turn. One node takes out the larger swing of a default build, whether and when MSBuild
    /// starts its second node, so the split is readable in tens of runs.
    /// </summary>
    public static void RunParts(string repoRoot, string workDirectory, int runs)
    {
        var (feed, packages, withVersion) = Prepare(repoRoot, workDirectory);
        var tree = Workspace(repoRoot, workDirectory, feed, withVersion, runs);
        WarmUp(repoRoot, packages, tree);

        string[] oneNode = ["--no-restore", "-m:1"];
        var sides = new Func<TimeSpan>[]
        {
            () => Dotnet(repoRoot, packages, null, [.. tree.WithArgs, .. oneNode]),
            () => Dotnet(repoRoot, packages, null, [.. tree.WithArgs, .. oneNode, "-p:IncrementalWatchEnabled=false"]),
            () => Dotnet(repoRoot, packages, null, [.. tree.WithoutArgs, .. oneNode]),
        };
        var times = sides.Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < runs; i++)
        {
            // Each round runs the three in turn, starting one further on each time.
            for (int k = 0; k < sides.Length; k++)
            {
                int side = (i + k) % sides.Length;
                times[side].Add(sides[side]().TotalMilliseconds);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{tree.Label}, --no-restore, one MSBuild node (-m:1): {runs} rounds of the three in turn");
        Console.WriteLine(Measure.TableHeader);
        Console.WriteLine(new Measure.Comparison("with the package", "without it", times[0], times[2]));
        Console.WriteLine(new Measure.Comparison("switched off (imports only)", "without it", times[1], times[2]));
        Console.WriteLine(new Measure.Comparison("with the package", "switched off", times[0], times[1]));
    }

    /// <summary>Packs the package into the bench's feed; the feed, the package folder and the property that picks this version.</summary>
    private static (string Feed, string Packages, string WithVersion) Prepare(string repoRoot, string workDirectory)
    {
        string feed = Path.Combine(workDirectory, "feed");
        string packages = Path.Combine(workDirectory, "nuget-packages");
        return (feed, packages, $"-p:IwTestPackageVersion={BenchFiles.Pack(repoRoot, feed, packages)}");
    }

    /// <summary>
    /// First builds compile (and restore); then one no-op build each to settle caches. These
    /// compile with the server off so no compiler server outlives the benchmark.
    /// </summary>
    private static void WarmUp(string repoRoot, string packages, Tree tree)
    {
        foreach (var args in new[] { tree.WithArgs, tree.WithoutArgs, tree.WithArgs, tree.WithoutArgs })
        {
            Dotnet(repoRoot, packages, "false", args);
        }
    }

    private static Tree Workspace(string repoRoot, string workDirectory, string feed, string withVersion, int runs)
    {
        string with = Path.Combine(workDirectory, "workspace-with");
        string without = Path.Combine(workDirectory, "workspace-without");
        BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "Workspace"), with, feed);
        BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "Workspace"), without, feed);
        return new("testassets/Workspace (App -> Lib), `dotnet build App`", ["build", Path.Combine(with, "App"), withVersion], ["build", Path.Combine(without, "App")], runs);
    }

    /// <summary>dotnet with the bench's package folder, no node reuse (every run starts cold, as CI does), quiet.</summary>
    internal static TimeSpan Dotnet(string workingDirectory, string packages, string? sharedCompilation, params string[] args)
    {
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["MSBUILDDISABLENODEREUSE"] = "1" };
        if (sharedCompilation is not null)
        {
            env["UseSharedCompilation"] = sharedCompilation;
        }

        return BenchFiles.Run(workingDirectory, env, [.. args, "-nologo", "-tl:off", "-v:q"]);
    }

    private static double EvaluationMilliseconds(Microsoft.Build.Logging.StructuredLogger.Build build) =>
        build.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.ProjectEvaluation>(_ => true).Sum(e => e.Duration.TotalMilliseconds);
}
