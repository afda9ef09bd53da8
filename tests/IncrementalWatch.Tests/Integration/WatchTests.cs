using IncrementalWatch.Processes;
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
        int firstPid = PidOf(first);
        await watch.WaitForOutputAsync("ready: pid");

        // Saving identical content (and touching the file) restarts nothing.
        File.WriteAllText(greeting, File.ReadAllText(greeting));
        File.SetLastWriteTimeUtc(workspace.PathOf("Program.cs"), DateTime.UtcNow);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, watch.Occurrences("changed:"));
        Assert.Equal(firstPid, PidOf(await watch.WaitForContentAsync("hello v1")));

        // An edit while a request is in flight: the request completes, the new content is served.
        var inFlight = watch.GetAsync("/slow?ms=1500");
        await Task.Delay(200);
        Edit(greeting, "hello v1", "hello v2");
        string second = await watch.WaitForContentAsync("hello v2");
        Assert.NotEqual(firstPid, PidOf(second));
        Assert.Equal($"slow hello v1 pid={firstPid}", await inFlight);

        // A compile error: the old app keeps serving; the fix replaces it.
        Edit(greeting, "\"hello v2\";", "\"hello v3\"");
        await watch.WaitForOutputAsync("build failed");
        Assert.Equal(second, await watch.GetAsync());
        Edit(greeting, "\"hello v3\"", "\"hello v3\";");
        string third = await watch.WaitForContentAsync("hello v3");
        int thirdPid = PidOf(third);

        // MSBuild cancellation (what Ctrl+C does): the app is stopped and its port freed.
        Assert.Equal(0, UnixNative.kill(watch.BuildProcessId, 2));
        Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(60)), $"dotnet build -t:Watch did not exit on SIGINT.\n{watch.Output}");
        Assert.False(UnixNative.Exists(thirdPid) && !ProcessTree.IsZombie(thirdPid), "the app outlived the watch");
        Assert.False(ProcessTree.GroupExists(thirdPid), "a process of the app's group outlived the watch");
        Assert.True(PortProbe.IsFree(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)));
        Assert.False(File.Exists(watch.RecordFile));
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
            leftoverPid = PidOf(await first.WaitForContentAsync("hello v1"));
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
        Assert.NotEqual(leftoverPid, PidOf(answer));
        Assert.False(UnixNative.Exists(leftoverPid) && !ProcessTree.IsZombie(leftoverPid));

        // SIGTERM to the host stops it cleanly too.
        var record2 = AppRecord.Load(second.RecordFile)!;
        UnixNative.kill(record2.HostPid, 15);
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(60)), second.Output);
        Assert.False(ProcessTree.GroupExists(record2.AppGroup));
        Assert.True(PortProbe.IsFree(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)));
        workspace.Pass();
    }

    /// <summary>Kills the leftover app if the test fails before the second watch stopped it.</summary>
    private sealed record LeftoverGuard(int Pid) : IDisposable
    {
        public void Dispose() => UnixNative.kill(-Pid, 9);
    }

    private static void Edit(string file, string from, string to)
    {
        string text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static int PidOf(string answer) => int.Parse(answer[(answer.LastIndexOf("pid=", StringComparison.Ordinal) + 4)..].Trim());
}
