using System.Diagnostics;

namespace IncrementalWatch.Benchmarks;

/// <summary>
/// A bounded reliability run: N consecutive edits (each a rebuild and a restart) of the WebApp
/// test asset under `dotnet build -t:Watch`, while a loopback client sends GET / every 20 ms.
/// Reports failed requests, and whether each fell between a "stopping" and the following
/// "ready" event of the host (the only time allowed), orphaned processes afterwards (any
/// process of any app instance still alive) and port conflicts (IW2101, "address already in
/// use"). Exits non-zero when any rule is broken.
/// </summary>
public static class ReliabilityRun
{
    public static int Run(string repoRoot, string work, int restarts)
    {
        string feed = Path.Combine(work, "feed");
        string packages = Path.Combine(work, "nuget-packages");
        string version = BenchFiles.Pack(repoRoot, feed, packages);
        string root = Path.Combine(work, "reliability");
        BenchFiles.CopyAsset(Path.Combine(repoRoot, "testassets", "WebApp"), root, feed);
        int port = BenchFiles.FreePort();
        BenchFiles.UsePort(root, port);
        string events = Path.Combine(work, "reliability-events.txt");
        File.Delete(events);

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "build", "-t:Watch", "-nologo", "-tl:off", $"-p:IwTestPackageVersion={version}", $"-p:IncrementalWatchEventsFile={events}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NUGET_PACKAGES"] = packages;
        var output = new System.Text.StringBuilder();
        using var watch = Process.Start(start)!;
        watch.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        watch.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };
        var results = new List<(long At, bool Ok)>();
        string latest = "";
        using var stopClient = new CancellationTokenSource();
        var client = Task.Run(async () =>
        {
            while (!stopClient.IsCancellationRequested)
            {
                long at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                bool ok;
                try
                {
                    latest = await http.GetStringAsync($"http://127.0.0.1:{port}/");
                    ok = true;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }

                lock (results)
                {
                    results.Add((at, ok));
                }

                await Task.Delay(20);
            }
        });

        var clock = Stopwatch.StartNew();
        try
        {
            WaitUntil(() => latest.Contains("hello v1", StringComparison.Ordinal), TimeSpan.FromMinutes(3), "the first start");
            lock (results)
            {
                results.Clear();
            }

            for (int i = 2; i <= restarts + 1; i++)
            {
                string text = $"hello v{i}";
                File.WriteAllText(Path.Combine(root, "Greeting.cs"), $"namespace WebApp;\n\npublic static class Greeting\n{{\n    public const string Text = \"{text}\";\n}}\n");
                WaitUntil(() => latest.Contains(text + " ", StringComparison.Ordinal), TimeSpan.FromMinutes(2), text);
            }
        }
        finally
        {
            stopClient.Cancel();
            client.Wait(TimeSpan.FromSeconds(10));

            // Ctrl+C's path: SIGINT to dotnet build cancels the Watch target, which stops the host.
            Kill(watch.Id, 2);
            if (!watch.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                watch.Kill(entireProcessTree: true);
            }
        }

        var lines = File.ReadAllLines(events).Select(l => l.Split(' ')).Where(p => p.Length >= 2).ToList();
        var windows = new List<(long From, long To)>();
        long? stopping = null;
        foreach (var parts in lines)
        {
            long at = long.Parse(parts[0]);
            if (parts[1] == "stopping")
            {
                stopping = at;
            }
            else if (parts[1] == "ready" && stopping is long from)
            {
                windows.Add((from, at));
                stopping = null;
            }
        }

        var appPids = lines.Where(p => p[1] == "started").Select(p => int.Parse(p[2])).ToList();
        Thread.Sleep(500);
        int orphans = appPids.Count(IncrementalWatch.Host.Processes.ProcessTree.GroupExists);
        string text2 = output.ToString();
        int conflicts = Count(text2, "IW2101") + Count(text2, "address already in use");
        var failed = results.Where(r => !r.Ok).ToList();
        int outside = failed.Count(f => !windows.Any(w => f.At >= w.From - 50 && f.At <= w.To + 50));
        Console.WriteLine($"reliability: {restarts} edits in {clock.Elapsed.TotalSeconds:F0} s, {windows.Count} restarts (stop -> ready), {results.Count} requests every 20 ms");
        Console.WriteLine($"| failed requests | outside stop->ready | orphans after | port conflicts | median stop->ready |");
        Console.WriteLine($"| --- | --- | --- | --- | --- |");
        Console.WriteLine($"| {failed.Count} | {outside} | {orphans} | {conflicts} | {Measure.Median(windows.Select(w => (double)(w.To - w.From)).ToList()):F0} ms |");
        return outside == 0 && orphans == 0 && conflicts == 0 && windows.Count == restarts ? 0 : 1;
    }

    private static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"waiting for {what} took over {timeout}");
            }

            Thread.Sleep(20);
        }
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
