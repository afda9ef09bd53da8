using System.Diagnostics;
using System.Globalization;

namespace IncrementalWatch.Benchmarks;

/// <summary>
/// Watch at scale, on the WebApp asset with a ClientApp/node_modules of many files (as SPA
/// templates have) and a .git folder of many objects:
/// - idle cost: CPU seconds per minute of every process of the watch (the build, the host,
///   the warm build worker, the app), measured from /proc over a quiet stretch that begins a
///   minute after the app first answered,
///   for `dotnet build -t:Watch` with events, with polling, and for `dotnet watch
///   --no-hot-reload` on the same tree;
/// - detection latency: from a write to the watch's "build" event (the line saying what
///   changed), median, with events and with polling.
/// Linux only (reads /proc).
/// </summary>
public static class ScaleBenchmark
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

    public static void Run(string repoRoot, string work, int seconds, int edits, IReadOnlyList<int> sizes)
    {
        string feed = Path.Combine(work, "feed");
        string packages = Path.Combine(work, "nuget-packages");
        string version = BenchFiles.Pack(repoRoot, feed, packages);
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["DOTNET_WATCH_SUPPRESS_EMOJIS"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        long ticksPerSecond = 100; // USER_HZ on Linux

        Console.WriteLine($"idle cost on testassets/WebApp with ClientApp/node_modules and .git/objects, {seconds} s quiet from a minute after start-up; CPU seconds per minute, all processes of each watch");
        Console.WriteLine("| files under node_modules | `dotnet build -t:Watch`, events | `dotnet build -t:Watch`, polling | `dotnet watch --no-hot-reload` | ours, events / dotnet watch |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (int size in sizes)
        {
            string app = Path.Combine(work, $"scale-{size}");
            BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "WebApp"), app, feed);
            Populate(app, size);
            BenchFiles.Run(app, env, "build", "-nologo", "-tl:off", "-v:q", $"-p:IwTestPackageVersion={version}");
            double events = Idle(app, env, seconds, ticksPerSecond, "build", "-t:Watch", "-nologo", "-tl:off", $"-p:IwTestPackageVersion={version}");
            double polling = Idle(app, env, seconds, ticksPerSecond, "build", "-t:Watch", "-nologo", "-tl:off", $"-p:IwTestPackageVersion={version}", "-p:IncrementalWatchUsePolling=true");
            double theirs = Idle(app, env, seconds, ticksPerSecond, "watch", "--no-hot-reload", "--non-interactive");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {events:F2} | {polling:F2} | {theirs:F2} | {events / theirs:F2} |"));
        }

        string latencyApp = Path.Combine(work, $"scale-{sizes[0]}");
        Console.WriteLine();
        Console.WriteLine($"detection latency on the same tree ({sizes[0]:N0} files under node_modules): from a write of Greeting.cs to the watch's line naming it, {edits} edits, medians");
        Console.WriteLine("| mode | median | slowest | bound |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (bool polling in new[] { false, true })
        {
            var latencies = Latency(latencyApp, env, version, edits, polling);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {(polling ? "polling" : "events")} | {Measure.Median(latencies):F0} ms | {latencies.Max():F0} ms | {(polling ? "poll interval (100 ms to 1 s) + 100 ms" : "50 ms + 25 ms")} |"));
        }
    }

    /// <summary>node_modules: <paramref name="files"/> small files, 10 per folder in packages of 10 folders; .git/objects: 256 folders of 20 objects.</summary>
    private static void Populate(string app, int files)
    {
        string modules = Path.Combine(app, "ClientApp", "node_modules");
        for (int i = 0; i < files; i++)
        {
            string folder = Path.Combine(modules, $"pkg{i / 100}", "lib", $"d{i / 10 % 10}");
            if (i % 10 == 0)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(Path.Combine(folder, $"f{i % 10}.js"), "module.exports = 1;\n");
        }

        File.WriteAllText(Path.Combine(app, "ClientApp", "package.json"), "{ \"name\": \"client\" }\n");
        for (int i = 0; i < 256 * 20; i++)
        {
            string folder = Path.Combine(app, ".git", "objects", (i / 20).ToString("x2", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, $"{i:x38}"), new byte[64]);
        }
    }

    /// <summary>Starts the watch, waits until the app answers and 60 s more, then measures its tree's CPU over <paramref name="seconds"/>.</summary>
    private static double Idle(string app, IReadOnlyDictionary<string, string> env, int seconds, long ticksPerSecond, params string[] args)
    {
        int port = BenchFiles.FreePort();
        BenchFiles.UsePort(app, port);
        using var process = BenchFiles.StartDotnet(app, env, args);
        try
        {
            // Start-up work (tiered JIT's second pass, first GCs) is not idle cost: it settles
            // within about a minute for every tool measured.
            WaitForAnswer(port, TimeSpan.FromMinutes(3));
            Thread.Sleep(TimeSpan.FromSeconds(60));
            var before = TreeTicks(process.Id);
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            var after = TreeTicks(process.Id);

            // Which process of the watch costs what (a pid that started meanwhile counts from zero).
            var perProcess = after
                .GroupBy(p => p.Value.Label)
                .Select(g => (Label: g.Key, Ticks: g.Sum(p => p.Value.Ticks - (before.TryGetValue(p.Key, out var b) ? b.Ticks : 0))))
                .OrderByDescending(p => p.Ticks);
            Console.Error.WriteLine($"  {string.Join(' ', args.Take(2))}{(args.Any(a => a.Contains("Polling", StringComparison.Ordinal)) ? " (polling)" : string.Empty)}: "
                + string.Join(", ", perProcess.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Label} {p.Ticks / (double)ticksPerSecond * 60.0 / seconds:F3}"))) + " CPU s/min");
            long total = after.Sum(p => p.Value.Ticks - (before.TryGetValue(p.Key, out var b) ? b.Ticks : 0));
            return total / (double)ticksPerSecond * 60.0 / seconds;
        }
        finally
        {
            BenchFiles.StopTree(process);
            RestorePort(app, port);
        }
    }

    private static List<double> Latency(string app, IReadOnlyDictionary<string, string> env, string version, int edits, bool polling)
    {
        int port = BenchFiles.FreePort();
        BenchFiles.UsePort(app, port);
        string events = Path.Combine(app, "obj", "watch-events.log");
        File.Delete(events);
        var args = new List<string> { "build", "-t:Watch", "-nologo", "-tl:off", $"-p:IwTestPackageVersion={version}", $"-p:IncrementalWatchEventsFile={events}" };
        if (polling)
        {
            args.Add("-p:IncrementalWatchUsePolling=true");
        }

        using var process = BenchFiles.StartDotnet(app, env, args.ToArray());
        var latencies = new List<double>();
        try
        {
            WaitForAnswer(port, TimeSpan.FromMinutes(3));
            Thread.Sleep(TimeSpan.FromSeconds(3));
            string greeting = Path.Combine(app, "Greeting.cs");
            for (int i = 0; i < edits; i++)
            {
                // Idle long enough for the poll interval to reach its bound, as a real edit would.
                Thread.Sleep(TimeSpan.FromSeconds(2.5));
                int builds = Count(events, " build ");
                long written = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                File.WriteAllText(greeting, $"namespace WebApp;\n\npublic static class Greeting\n{{\n    public const string Text = \"hello scale {i}\";\n}}\n");
                long seen = WaitForEvent(events, " build ", builds + 1, TimeSpan.FromSeconds(30));
                latencies.Add(seen - written);
                WaitForEvent(events, " built", builds + 1, TimeSpan.FromMinutes(2));
            }
        }
        finally
        {
            BenchFiles.StopTree(process);
            RestorePort(app, port);
        }

        return latencies;
    }

    private static int Count(string file, string name) =>
        File.Exists(file) ? File.ReadAllLines(file).Count(l => l.Contains(name, StringComparison.Ordinal)) : 0;

    /// <summary>Waits for the <paramref name="occurrence"/>-th event line containing <paramref name="name"/>; its unix-ms stamp.</summary>
    private static long WaitForEvent(string file, string name, int occurrence, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var lines = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Contains(name, StringComparison.Ordinal)).ToList() : new List<string>();
            if (lines.Count >= occurrence)
            {
                return long.Parse(lines[occurrence - 1].Split(' ')[0], CultureInfo.InvariantCulture);
            }

            Thread.Sleep(5);
        }

        throw new TimeoutException($"no '{name}' event #{occurrence} in {file}");
    }

    /// <summary>The user and system CPU ticks of a process and each of its live descendants, with what each runs (its first .dll argument, or its program).</summary>
    private static Dictionary<int, (string Label, long Ticks)> TreeTicks(int root)
    {
        var children = new Dictionary<int, List<int>>();
        var ticks = new Dictionary<int, long>();
        foreach (string entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(entry, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                int parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = new List<int>();
                }

                list.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
            {
            }
        }

        var tree = new Dictionary<int, (string, long)>();
        var pending = new Stack<int>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            int pid = pending.Pop();
            tree[pid] = (Label(pid), ticks.GetValueOrDefault(pid));
            foreach (int child in children.GetValueOrDefault(pid) ?? new List<int>())
            {
                pending.Push(child);
            }
        }

        return tree;
    }

    private static string Label(int pid)
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            string? dll = argv.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
            return dll is not null ? Path.GetFileNameWithoutExtension(dll) : argv.Length > 1 && argv[0].EndsWith("dotnet", StringComparison.Ordinal) ? $"dotnet {argv[1]}" : Path.GetFileName(argv.FirstOrDefault() ?? "?");
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static void WaitForAnswer(int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (Http.GetStringAsync($"http://127.0.0.1:{port}/").GetAwaiter().GetResult().Contains("hello", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"nothing answered on port {port} within {timeout}");
    }

    private static void RestorePort(string app, int port)
    {
        string settings = Path.Combine(app, "Properties", "launchSettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace($"127.0.0.1:{port}", "127.0.0.1:5199", StringComparison.Ordinal));
    }
}
