using System.Diagnostics;

namespace IncrementalWatch.Benchmarks;

/// <summary>
/// Edit-to-ready latency on the WebApp test asset: from the write of a source change to the
/// first response with the new content, for `dotnet build -t:Watch` and for
/// `dotnet watch --no-hot-reload` on the same app, and the floor (`dotnet build --no-restore`
/// then start the app and wait for its first response), alternating in one run. Also the
/// time per edit during which requests were refused. Each tool runs in its own copy of the app;
/// the watch also runs with its warm build worker switched off, to show what the worker saves.
/// </summary>
public static class WatchBenchmark
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(2) };

    public static void Run(string repoRoot, string workDirectory, int runs)
    {
        string feed = Path.Combine(workDirectory, "feed");
        string packages = Path.Combine(workDirectory, "nuget-packages");
        string version = BenchFiles.Pack(repoRoot, feed, packages);
        foreach (string? server in new[] { null, "true" })
        {
            string label = server is null ? $"UseSharedCompilation={Environment.GetEnvironmentVariable("UseSharedCompilation") ?? "unset"} (as set)" : "UseSharedCompilation=true (server on)";
            RunOnce(repoRoot, workDirectory, feed, packages, version, server, runs, label);
        }
    }

    private static void RunOnce(string repoRoot, string work, string feed, string packages, string version, string? server, int runs, string label)
    {
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["DOTNET_WATCH_SUPPRESS_EMOJIS"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        if (server is not null)
        {
            env["UseSharedCompilation"] = server;
        }

        var ours = new Subject("dotnet build -t:Watch", Copy(repoRoot, work, "watch-ours", feed), BenchFiles.FreePort());
        var cold = new Subject("dotnet build -t:Watch, warm build off", Copy(repoRoot, work, "watch-cold", feed), BenchFiles.FreePort());
        var theirs = new Subject("dotnet watch --no-hot-reload", Copy(repoRoot, work, "watch-theirs", feed), BenchFiles.FreePort());
        var floor = new Subject("floor: build + start", Copy(repoRoot, work, "watch-floor", feed), BenchFiles.FreePort());
        using var oursProcess = Start(ours, env, "build", "-t:Watch", "-nologo", "-tl:off", $"-p:IwTestPackageVersion={version}");
        using var coldProcess = Start(cold, env, "build", "-t:Watch", "-nologo", "-tl:off", $"-p:IwTestPackageVersion={version}", "-p:IncrementalWatchWarmBuild=false");
        using var theirsProcess = Start(theirs, env, "watch", "--no-hot-reload", "--non-interactive");
        try
        {
            BenchFiles.Run(floor.Directory, env, "build", "-nologo", "-tl:off", "-v:q");
            WaitFor(ours, "hello v1", TimeSpan.FromMinutes(3));
            WaitFor(cold, "hello v1", TimeSpan.FromMinutes(3));
            WaitFor(theirs, "hello v1", TimeSpan.FromMinutes(3));
            for (int i = 0; i < runs + 1; i++)
            {
                // The first round warms up (JIT, disk cache) and is not counted.
                bool counted = i > 0;
                Edit(ours, counted);
                Edit(cold, counted);
                Edit(theirs, counted);
                EditFloor(floor, env, counted);
            }
        }
        finally
        {
            BenchFiles.StopTree(oursProcess);
            BenchFiles.StopTree(coldProcess);
            BenchFiles.StopTree(theirsProcess);
            if (server is not null)
            {
                BenchFiles.Run(work, env, "build-server", "shutdown");
            }
        }

        Console.WriteLine($"edit-to-ready on testassets/WebApp (edit of Greeting.cs), {label}, {runs} edits each, alternating; medians");
        Console.WriteLine("| measured | edit to new content served | requests refused per edit | ratio to floor |");
        Console.WriteLine("| --- | --- | --- | --- |");
        double floorMs = Measure.Median(floor.Latency);
        foreach (var subject in new[] { ours, cold, theirs, floor })
        {
            Console.WriteLine($"| {subject.Name} | {Measure.Median(subject.Latency):F0} ms | {Measure.Median(subject.Refused):F0} ms | {Measure.Median(subject.Latency) / floorMs:F2} |");
        }

        Console.WriteLine($"ratio dotnet build -t:Watch / dotnet watch: {Measure.Median(ours.Latency) / Measure.Median(theirs.Latency):F2}");
    }

    private sealed record Subject(string Name, string Directory, int Port)
    {
        public int Version { get; set; } = 1;

        public List<double> Latency { get; } = new();

        public List<double> Refused { get; } = new();
    }

    private static void Edit(Subject subject, bool counted)
    {
        string text = $"hello v{++subject.Version}";
        var clock = Stopwatch.StartNew();
        WriteGreeting(subject, text);
        double refused = WaitFor(subject, text, TimeSpan.FromMinutes(2), clock);
        if (counted)
        {
            subject.Latency.Add(clock.Elapsed.TotalMilliseconds);
            subject.Refused.Add(refused);
        }

        Thread.Sleep(1000);
    }

    private static void EditFloor(Subject subject, IReadOnlyDictionary<string, string> env, bool counted)
    {
        string text = $"hello v{++subject.Version}";
        var clock = Stopwatch.StartNew();
        WriteGreeting(subject, text);
        BenchFiles.Run(subject.Directory, env, "build", "--no-restore", "-nologo", "-tl:off", "-v:q");
        var start = new ProcessStartInfo(Path.Combine(subject.Directory, "bin", "Debug", "net10.0", "WebApp")) { WorkingDirectory = subject.Directory, RedirectStandardOutput = true };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{subject.Port}";
        using var app = Process.Start(start)!;
        try
        {
            WaitFor(subject, text, TimeSpan.FromMinutes(1), clock);
            if (counted)
            {
                subject.Latency.Add(clock.Elapsed.TotalMilliseconds);
                subject.Refused.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            app.WaitForExit(10_000);
        }
    }

    private static void WriteGreeting(Subject subject, string text) =>
        File.WriteAllText(Path.Combine(subject.Directory, "Greeting.cs"), $"namespace WebApp;\n\npublic static class Greeting\n{{\n    public const string Text = \"{text}\";\n}}\n");

    /// <summary>Polls GET / every 10 ms until it answers with <paramref name="text"/>; returns the milliseconds refused.</summary>
    private static double WaitFor(Subject subject, string text, TimeSpan timeout, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        double refused = 0;
        double? refusedSince = null;
        while (clock.Elapsed < timeout)
        {
            double now = clock.Elapsed.TotalMilliseconds;
            string? answer;
            try
            {
                answer = Http.GetStringAsync($"http://127.0.0.1:{subject.Port}/").GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answer = null;
            }

            if (answer is null)
            {
                refusedSince ??= now;
            }
            else if (refusedSince is double since)
            {
                refused += now - since;
                refusedSince = null;
            }

            if (answer?.Contains(text, StringComparison.Ordinal) == true)
            {
                return refused;
            }

            Thread.Sleep(10);
        }

        throw new TimeoutException($"{subject.Name} did not serve '{text}' within {timeout}");
    }

    private static Process Start(Subject subject, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        BenchFiles.UsePort(subject.Directory, subject.Port);
        return BenchFiles.StartDotnet(subject.Directory, env, args);
    }

    private static string Copy(string repoRoot, string work, string name, string feed)
    {
        string root = Path.Combine(work, name);
        BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "WebApp"), root, feed);
        return root;
    }
}
