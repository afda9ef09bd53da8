using System.Diagnostics;

namespace IncrementalWatch.Benchmarks;

/// <summary>
/// A no-op `dotnet build` of the test-asset workspace with the package beside the same
/// workspace without it, alternating in one run. Measured twice: with UseSharedCompilation as
/// the environment sets it, and with the compiler server on.
/// </summary>
public static class NoOpBuildBenchmark
{
    public static void Run(string repoRoot, string workDirectory, int runs)
    {
        string feed = Path.Combine(workDirectory, "feed");
        string packages = Path.Combine(workDirectory, "nuget-packages");
        string version = BenchFiles.Pack(repoRoot, feed, packages);

        string with = Prepare(repoRoot, workDirectory, "with", feed);
        string without = Prepare(repoRoot, workDirectory, "without", feed);
        string[] withArgs = ["build", Path.Combine(with, "App"), $"-p:IwTestPackageVersion={version}"];
        string[] withoutArgs = ["build", Path.Combine(without, "App")];

        // First builds compile (and restore); then one no-op build each to settle caches. These
        // compile with the server off so no compiler server outlives the benchmark; the measured
        // no-op builds never start the compiler, whatever the setting.
        foreach (var args in new[] { withArgs, withoutArgs, withArgs, withoutArgs })
        {
            Dotnet(repoRoot, packages, "false", args);
        }

        string asSet = Environment.GetEnvironmentVariable("UseSharedCompilation") is { Length: > 0 } value ? $"UseSharedCompilation={value} (as set)" : "UseSharedCompilation unset (as set)";
        var results = new List<Measure.Comparison>();
        foreach (var (label, server) in new[] { (asSet, (string?)null), ("UseSharedCompilation=true (server on)", "true") })
        {
            results.Add(Measure.Compare(
                $"no-op build with the package, {label}", () => Dotnet(repoRoot, packages, server, withArgs),
                "the same without it", () => Dotnet(repoRoot, packages, server, withoutArgs),
                runs));
        }

        // Noise between two identical no-op builds is several percent on a shared 2-core machine,
        // so also read the package's own share straight from a no-op build's binary log.
        string binlog = Path.Combine(workDirectory, "noop.binlog");
        var shares = new List<double>();
        var totals = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            Dotnet(repoRoot, packages, null, [.. withArgs, $"-bl:{binlog}"]);
            var build = Microsoft.Build.Logging.StructuredLogger.BinaryLog.ReadBuild(binlog);
            shares.Add(build.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Target>(t => t.Name.StartsWith("_IncrementalWatch", StringComparison.Ordinal)).Sum(t => t.Duration.TotalMilliseconds));
            totals.Add(build.Duration.TotalMilliseconds);
        }

        Console.WriteLine($"workspace: testassets/Workspace (App -> Lib), `dotnet build App` with restore, {runs} runs each, alternating");
        Console.WriteLine(Measure.TableHeader);
        results.ForEach(Console.WriteLine);
        Console.WriteLine($"IncrementalWatch targets inside a no-op build (binlog, median of 5): {Measure.Median(shares):F1} ms of {Measure.Median(totals):F0} ms ({Measure.Median(shares) / Measure.Median(totals):P1})");
    }

    private static string Prepare(string repoRoot, string workDirectory, string name, string feed)
    {
        string root = Path.Combine(workDirectory, name);
        BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "Workspace"), root, feed);
        return root;
    }

    private static TimeSpan Dotnet(string workingDirectory, string packages, string? sharedCompilation, params string[] args)
    {
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["MSBUILDDISABLENODEREUSE"] = "1" };
        if (sharedCompilation is not null)
        {
            env["UseSharedCompilation"] = sharedCompilation;
        }

        return BenchFiles.Run(workingDirectory, env, [.. args, "-nologo", "-tl:off", "-v:q"]);
    }
}
