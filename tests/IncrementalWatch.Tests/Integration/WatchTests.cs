using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// End-to-end: `dotnet build -t:Watch` on the WebApp test asset, through the packed package,
/// with the app on 127.0.0.1 and real edits to its source.
/// </summary>
public sealed class WatchTests
{
    private readonly ITestOutputHelper _output;

    public WatchTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task EditsRestartTheAppGracefullyAndNothingIsLeftBehind()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        string greeting = workspace.PathOf("Greeting.cs");
        using var watch = WatchRun.Start(workspace, port);

        string first = await watch.WaitForContentAsync("hello v1");
        int firstPid = WatchRun.PidOf(first);
        await watch.WaitForOutputAsync("ready: pid");

        // Saving identical content (and touching the file) restarts nothing.
        File.WriteAllText(greeting, File.ReadAllText(greeting));
        File.SetLastWriteTimeUtc(workspace.PathOf("Program.cs"), DateTime.UtcNow);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, watch.Occurrences("changed:"));
        Assert.Equal(firstPid, WatchRun.PidOf(await watch.WaitForContentAsync("hello v1")));

        // An edit while a request is in flight: the request completes, the new content is served.
        var inFlight = watch.GetAsync("/slow?ms=1500");
        await Task.Delay(200);
        FileEdits.Replace(greeting, "hello v1", "hello v2");
        string second = await watch.WaitForContentAsync("hello v2");
        Assert.NotEqual(firstPid, WatchRun.PidOf(second));
        Assert.Equal($"slow hello v1 pid={firstPid}", await inFlight);

        // A compile error: the old app keeps serving; the fix replaces it.
        FileEdits.Replace(greeting, "\"hello v2\";", "\"hello v3\"");
        await watch.WaitForOutputAsync("build failed");
        Assert.Equal(second, await watch.GetAsync());
        FileEdits.Replace(greeting, "\"hello v3\"", "\"hello v3\";");
        await watch.WaitForContentAsync("hello v3");

        // A burst (a checkout writing 200 new sources in a new folder and editing one) is one rebuild.
        int rebuilds = watch.Occurrences("changed:");
        Directory.CreateDirectory(workspace.PathOf("Generated"));
        for (int i = 0; i < 200; i++)
        {
            File.WriteAllText(workspace.PathOf($"Generated/G{i}.cs"), $"namespace WebApp.Generated;\ninternal static class G{i} {{ }}\n");
        }

        FileEdits.Replace(greeting, "hello v3", "hello v4");
        string fourth = await watch.WaitForContentAsync("hello v4");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.True(rebuilds + 1 == watch.Occurrences("changed:"), $"the burst was not one rebuild:\n{watch.Output}");
        int thirdPid = WatchRun.PidOf(fourth);

        // MSBuild cancellation (what Ctrl+C does): the app is stopped and its port freed. A
        // shell that starts jobs in the background makes them ignore SIGINT, and children
        // inherit that; then SIGTERM ends the build and the host stops when its stdin closes.
        int signal = WatchRun.SigintIgnored() ? 15 : 2;
        Assert.Equal(0, UnixNative.kill(watch.BuildProcessId, signal));
        Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(60)), $"dotnet build -t:Watch did not exit on signal {signal}.\n{watch.Output}");
        await watch.WaitForOutputAsync("watch: stopping", timeout: TimeSpan.FromSeconds(30));
        Assert.True(await ChildApp.EventuallyAsync(() => !UnixNative.Exists(thirdPid) || ProcessTree.IsZombie(thirdPid), TimeSpan.FromSeconds(30)), "the app outlived the watch");
        Assert.True(await ChildApp.EventuallyAsync(() => !File.Exists(watch.RecordFile), TimeSpan.FromSeconds(30)), "the app record was not removed");
        Assert.False(ProcessTree.GroupExists(thirdPid), "a process of the app's group outlived the watch");
        Assert.True(PortProbe.IsFree(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)));
        Assert.False(File.Exists(watch.RecordFile));
        workspace.Pass();
    }

    [Fact]
    public async Task FilesTheAppReadsItselfAreBuiltButRestartNothingAndCodeStillRestarts()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        using var watch = WatchRun.Start(workspace, port);
        int pid = WatchRun.PidOf(await watch.WaitForContentAsync("hello v1"));
        await watch.WaitForOutputAsync("ready: pid");
        Assert.Equal($"settings v1 pid={pid}", await watch.GetAsync("/config"));

        // appsettings.json: the app reloads it from the project folder; the build still copies it.
        FileEdits.Replace(workspace.PathOf("appsettings.json"), "settings v1", "settings v2");
        await watch.WaitForOutputAsync("the app reads appsettings.json itself, so it keeps running");
        Assert.Equal($"settings v2 pid={pid}", await watch.WaitForContentAsync("settings v2", path: "/config"));
        Assert.Contains("settings v2", File.ReadAllText(Directory.GetFiles(workspace.PathOf("bin"), "appsettings.json", SearchOption.AllDirectories).Single()));

        // wwwroot/: served from the project folder in Development.
        FileEdits.Replace(workspace.PathOf("wwwroot/site.css"), "color: black", "color: blue");
        await watch.WaitForOutputAsync("the app reads site.css itself, so it keeps running");
        Assert.Contains("color: blue", await watch.WaitForContentAsync("color: blue", path: "/site.css"));
        Assert.Equal(1, watch.Occurrences("ready: pid"));

        // Code restarts as before.
        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "hello v1", "hello v2");
        Assert.NotEqual(pid, WatchRun.PidOf(await watch.WaitForContentAsync("hello v2")));
        workspace.Pass();
    }

    [Fact]
    public async Task CtrlCInATerminalAndSigtermEndTheWatchWithExitCodeZeroAndWatchRestartRestartsTheApp()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        var loopback = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port);
        using (var watch = WatchRun.StartInTerminal(workspace, port))
        {
            int pid = WatchRun.PidOf(await watch.WaitForContentAsync("hello v1"));
            await watch.WaitForOutputAsync("ready: pid");

            // From another terminal: rebuild and restart now, though nothing changed.
            var restart = workspace.Dotnet("build", "WebApp.csproj", "-t:WatchRestart");
            Assert.True(restart.Succeeded, TestWorkspace.Tail(restart.Output));
            Assert.Contains("asked the running watch of WebApp to rebuild and restart the app", restart.Output);
            await watch.WaitForOutputAsync("(restart requested)");
            await watch.WaitForOutputAsync("ready: pid", count: 2);
            Assert.NotEqual(pid, WatchRun.PidOf(await watch.WaitForContentAsync("hello v1")));

            // Ctrl+C in the terminal: the app stops, the build ends as a success.
            watch.SendCtrlC();
            Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(60)), $"dotnet build -t:Watch did not exit on Ctrl+C.\n{watch.Output}");
            Assert.Equal(0, watch.ExitCode);
            Assert.Contains("watch: stopping", watch.Output);
            Assert.DoesNotContain("Build FAILED", watch.Output);
            Assert.Contains("Build succeeded", watch.Output);
            Assert.True(await ChildApp.EventuallyAsync(() => PortProbe.IsFree(loopback), TimeSpan.FromSeconds(30)));
            Assert.False(File.Exists(watch.RecordFile));
        }

        // SIGTERM to dotnet build (kill, docker stop): the same clean end.
        using (var watch = WatchRun.Start(workspace, port))
        {
            await watch.WaitForOutputAsync("ready: pid");
            Assert.Equal(0, UnixNative.kill(watch.BuildProcessId, 15));
            Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(60)), $"dotnet build -t:Watch did not exit on SIGTERM.\n{watch.Output}");
            Assert.Equal(0, watch.ExitCode);
            Assert.DoesNotContain("Build FAILED", watch.Output);
            Assert.True(await ChildApp.EventuallyAsync(() => PortProbe.IsFree(loopback), TimeSpan.FromSeconds(30)));
        }

        var nothingRuns = workspace.Dotnet("build", "WebApp.csproj", "-t:WatchRestart");
        Assert.False(nothingRuns.Succeeded);
        Assert.Contains("error IW3108: No watch of " + workspace.PathOf("WebApp.csproj") + " is running", nothingRuns.Output);
        workspace.Pass();
    }

    [Fact]
    public async Task PollingPicksUpAnEditThatKeptItsOldTimestamp()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        string greeting = workspace.PathOf("Greeting.cs");
        using var watch = WatchRun.Start(workspace, port, "-p:IncrementalWatchUsePolling=true");
        await watch.WaitForContentAsync("hello v1");
        await watch.WaitForOutputAsync("ready: pid");
        Assert.Contains("polling (every 100 to 1000 ms) instead of using file-system events, as requested", watch.Output);
        Assert.Contains("0 folder(s) watched with events,", watch.Output);

        // As cp -p or a cache restore leaves it: new content, a timestamp an hour old.
        var mtime = File.GetLastWriteTimeUtc(greeting);
        FileEdits.Replace(greeting, "hello v1", "hello v2");
        File.SetLastWriteTimeUtc(greeting, mtime.AddHours(-1));
        await watch.WaitForContentAsync("hello v2");
        workspace.Pass();
    }

    [Fact]
    public async Task TheNextWatchStopsTheAppAKilledHostLeftRunning()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        int leftoverPid;
        using (var first = WatchRun.Start(workspace, port))
        {
            leftoverPid = WatchRun.PidOf(await first.WaitForContentAsync("hello v1"));
            var record = AppRecord.Load(first.RecordFile)!;
            Assert.Equal(leftoverPid, record.AppPid);

            // Killed hard: the build and the host die, the app (its own process group) lives on.
            UnixNative.kill(record.HostPid, 9);
            UnixNative.kill(first.BuildProcessId, 9);
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.True(record.AppAlive, "the app should outlive a host killed with SIGKILL");
            first.KeepAppOnDispose = true;
        }

        using var second = WatchRun.Start(workspace, port);
        using var cleanup = new LeftoverGuard(leftoverPid);
        await second.WaitForOutputAsync("IW1101");
        await second.WaitForOutputAsync("ready: pid");
        string answer = await second.WaitForContentAsync("hello v1");
        Assert.NotEqual(leftoverPid, WatchRun.PidOf(answer));
        Assert.False(UnixNative.Exists(leftoverPid) && !ProcessTree.IsZombie(leftoverPid));

        // SIGTERM to the host stops it cleanly too.
        var record2 = AppRecord.Load(second.RecordFile)!;
        UnixNative.kill(record2.HostPid, 15);
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(60)), second.Output);
        Assert.False(ProcessTree.GroupExists(record2.AppGroup));
        Assert.True(PortProbe.IsFree(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)));
        workspace.Pass();
    }

    /// <summary>
    /// A project with TargetFrameworks (here a single value, as real repositories often have)
    /// is watched from its outer build: the one runnable framework is chosen, and rebuilds keep
    /// to it. With two runnable frameworks the watch asks for one (IW3107), as dotnet run does.
    /// </summary>
    [Fact]
    public async Task AMultiTargetedAppIsWatchedOnItsRunnableFramework()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        string project = workspace.PathOf("WebApp.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("<TargetFramework>net10.0</TargetFramework>", "<TargetFrameworks>net10.0</TargetFrameworks>", StringComparison.Ordinal));
        int port = ChildApp.FreePort();
        using (var watch = WatchRun.Start(workspace, port))
        {
            await watch.WaitForContentAsync("hello v1");
            await watch.WaitForOutputAsync("ready: pid");
            FileEdits.Replace(workspace.PathOf("Greeting.cs"), "hello v1", "hello v2");
            await watch.WaitForContentAsync("hello v2");

            var record = AppRecord.Load(watch.RecordFile)!;
            UnixNative.kill(record.HostPid, 15);
            Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(60)), watch.Output);
            Assert.False(ProcessTree.GroupExists(record.AppGroup));
        }

        File.WriteAllText(project, File.ReadAllText(project).Replace("<TargetFrameworks>net10.0</TargetFrameworks>", "<TargetFrameworks>net10.0;net8.0</TargetFrameworks>", StringComparison.Ordinal));
        var refused = workspace.Build(".", "-t:Watch");
        Assert.False(refused.Succeeded);
        Assert.Contains("error IW3107: WebApp.csproj can run on several target frameworks (net10.0, net8.0)", refused.Output);
        workspace.Pass();
    }

    /// <summary>
    /// A web app with a SPA's ClientApp/node_modules (20,000 files in 2,200 folders) and a .git
    /// folder: the watch puts inotify watches only on the app's source folders, a write inside
    /// node_modules changes nothing, and an edit is still picked up.
    /// </summary>
    [Fact]
    public async Task ALargeNodeModulesIsNeitherWatchedNorWalkedAndEditsArePickedUp()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        for (int i = 0; i < 20_000; i++)
        {
            string folder = workspace.PathOf($"ClientApp/node_modules/pkg{i / 100}/lib/d{i / 10 % 10}");
            if (i % 10 == 0)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(Path.Combine(folder, $"f{i % 10}.js"), "module.exports = 1;\n");
        }

        Directory.CreateDirectory(workspace.PathOf(".git/objects/ab"));
        File.WriteAllText(workspace.PathOf(".git/objects/ab/cdef"), "blob");
        int port = ChildApp.FreePort();
        using var watch = WatchRun.Start(workspace, port);
        await watch.WaitForContentAsync("hello v1");
        await watch.WaitForOutputAsync("ready: pid");

        // The folders: the app's own (the project folder, Properties, wwwroot, ClientApp), none below node_modules.
        var line = System.Text.RegularExpressions.Regex.Match(watch.Output, @"watch: (\d+) folder\(s\) watched with events, (\d+) polled");
        Assert.True(line.Success, watch.Output);
        int folders = int.Parse(line.Groups[1].Value);
        Assert.InRange(folders, 3, 10);
        Assert.Equal("0", line.Groups[2].Value);
        // One more watch: WatchRestart's request file in obj/IncrementalWatch (a FileSystemWatcher of its own).
        var record = AppRecord.Load(watch.RecordFile)!;
        Assert.Equal(folders + 1, InotifyWatchesOf(record.HostPid));

        // A package manager writing into node_modules: nothing to rebuild.
        File.WriteAllText(workspace.PathOf("ClientApp/node_modules/pkg7/lib/d3/f1.js"), "module.exports = 2;\n");
        Directory.CreateDirectory(workspace.PathOf("ClientApp/node_modules/newpkg"));
        await Task.Delay(TimeSpan.FromSeconds(6)); // past a reconciling scan
        Assert.Equal(1, watch.Occurrences("changed:"));
        Assert.Equal(folders + 1, InotifyWatchesOf(record.HostPid));

        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "hello v1", "hello v2");
        await watch.WaitForContentAsync("hello v2");
        workspace.Pass();
    }

    /// <summary>How many inotify watches a process holds (the "inotify wd:" lines of its inotify descriptors).</summary>
    private static int InotifyWatchesOf(int pid) =>
        Directory.GetFiles($"/proc/{pid}/fdinfo").Sum(f =>
        {
            try
            {
                return File.ReadAllLines(f).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return 0;
            }
        });

    /// <summary>Kills the leftover app if the test fails before the second watch stopped it.</summary>
    private sealed record LeftoverGuard(int Pid) : IDisposable
    {
        public void Dispose() => UnixNative.kill(-Pid, 9);
    }

}
