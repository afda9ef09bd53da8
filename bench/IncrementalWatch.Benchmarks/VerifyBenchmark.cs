namespace IncrementalWatch.Benchmarks;

/// <summary>
/// `dotnet build -t:VerifyCacheInvalidation` beside a plain no-op `dotnet build` of the same
/// built tree, alternating in one run: the generated 20-project solution (<see cref="RepoShape"/>),
/// which verifies in one run for the whole solution, and testassets/Workspace (App -> Lib) as a
/// single project. Both with restore, as a CI job runs them, and with UseSharedCompilation as the
/// environment sets it and with the compiler server on (verification builds twice and a correct
/// second build compiles nothing, so those two should differ by noise).
/// </summary>
public static class VerifyBenchmark
{
    public static void Run(string repoRoot, string workDirectory, int runs)
    {
        string feed = Path.Combine(workDirectory, "feed");
        string packages = Path.Combine(workDirectory, "nuget-packages");
        string version = BenchFiles.Pack(repoRoot, feed, packages);
        string withVersion = $"-p:IwTestPackageVersion={version}";

        string workspace = Path.Combine(workDirectory, "workspace-with");
        BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "Workspace"), workspace, feed);
        string repo = RepoShape.Generate(repoRoot, Path.Combine(workDirectory, "repo-with"), feed);
        var trees = new (string Label, string Target)[]
        {
            ("generated 20-project solution (libraries, a multi-targeted one, 5 xunit test projects, a Razor Pages app), `dotnet build Repo.slnx`", repo),
            ("testassets/Workspace (App -> Lib), `dotnet build App`", Path.Combine(workspace, "App")),
        };

        string asSet = Environment.GetEnvironmentVariable("UseSharedCompilation") is { Length: > 0 } value ? $"UseSharedCompilation={value} (as set)" : "UseSharedCompilation unset (as set)";
        foreach (var (label, target) in trees)
        {
            // Build once (compiles, server off so none outlives the benchmark), then verify once:
            // verification must pass here, or the timing would be of a failing run.
            NoOpBuildBenchmark.Dotnet(repoRoot, packages, "false", "build", target, withVersion);
            NoOpBuildBenchmark.Dotnet(repoRoot, packages, "false", "build", target, withVersion, "-t:VerifyCacheInvalidation");

            var results = new List<Measure.Comparison>();
            foreach (var (serverLabel, server) in new[] { (asSet, (string?)null), ("UseSharedCompilation=true (server on)", "true") })
            {
                results.Add(Measure.Compare(
                    $"`-t:VerifyCacheInvalidation`, {serverLabel}", () => NoOpBuildBenchmark.Dotnet(repoRoot, packages, server, "build", target, withVersion, "-t:VerifyCacheInvalidation"),
                    "a no-op `dotnet build`", () => NoOpBuildBenchmark.Dotnet(repoRoot, packages, server, "build", target, withVersion),
                    runs));
            }

            Console.WriteLine();
            Console.WriteLine($"{label}: verification beside a no-op build, {runs} runs each, alternating");
            Console.WriteLine(Measure.TableHeader);
            results.ForEach(Console.WriteLine);
        }
    }
}
