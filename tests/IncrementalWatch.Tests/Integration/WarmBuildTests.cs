using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// Rebuilds in the warm build worker, end to end through the packed package: one worker serves
/// every rebuild of a watch, a project-file edit replaces it, it shows build errors as the
/// `dotnet msbuild` process did, it never outlives its host, and the switch turns it off.
/// </summary>
public sealed class WarmBuildTests
{
    private readonly ITestOutputHelper _output;

    public WarmBuildTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task OneWorkerServesEveryRebuildAProjectEditReplacesItAndItNeverOutlivesTheHost()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        string greeting = workspace.PathOf("Greeting.cs");
        using var watch = WatchRun.Start(workspace, port);
        await watch.WaitForContentAsync("hello v1");
        await watch.WaitForOutputAsync("ready: pid");
        int worker = Assert.Single(WorkersOf(workspace));

        FileEdits.Replace(greeting, "hello v1", "hello v2");
        await watch.WaitForContentAsync("hello v2");
        Assert.Equal(worker, Assert.Single(WorkersOf(workspace)));

        // A compile error reaches the console from the worker, and the fix is built by it too.
        FileEdits.Replace(greeting, "\"hello v2\";", "\"hello v3\"");
        await watch.WaitForOutputAsync("build failed");
        Assert.Contains("Greeting.cs(6,", watch.Output);
        Assert.Contains("error CS1002", watch.Output);
        FileEdits.Replace(greeting, "\"hello v3\"", "\"hello v3\";");
        await watch.WaitForContentAsync("hello v3");
        Assert.Equal(worker, Assert.Single(WorkersOf(workspace)));
        Assert.DoesNotContain("IW2105", watch.Output);

        // The project file changed: what the old worker loaded is not reused.
        FileEdits.Replace(workspace.PathOf("WebApp.csproj"), "<Nullable>enable</Nullable>", "<Nullable>enable</Nullable><Deterministic>true</Deterministic>");
        await watch.WaitForOutputAsync("changed: WebApp.csproj");
        await watch.WaitForOutputAsync("build succeeded", count: 4);
        Assert.True(await ChildApp.EventuallyAsync(() => !UnixNative.Exists(worker) || ProcessTree.IsZombie(worker), TimeSpan.FromSeconds(30)), "the old worker outlived its replacement");
        int second = Assert.Single(WorkersOf(workspace));
        Assert.NotEqual(worker, second);
        FileEdits.Replace(greeting, "hello v3", "hello v4");
        await watch.WaitForContentAsync("hello v4");

        // The host killed hard: the worker sees its connection close and exits on its own.
        var record = AppRecord.Load(watch.RecordFile)!;
        using var app = new GroupGuard(record.AppGroup);
        UnixNative.kill(record.HostPid, 9);
        UnixNative.kill(watch.BuildProcessId, 9);
        Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(30)));
        watch.KeepAppOnDispose = true;
        Assert.True(await ChildApp.EventuallyAsync(() => WorkersOf(workspace).Count == 0, TimeSpan.FromSeconds(30)), "the worker outlived its host");
        workspace.Pass();
    }

    [Fact]
    public async Task TheSwitchRebuildsWithADotnetMsbuildProcessEachTime()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        using var watch = WatchRun.Start(workspace, port, "-p:IncrementalWatchWarmBuild=false");
        await watch.WaitForContentAsync("hello v1");
        await watch.WaitForOutputAsync("ready: pid");
        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "hello v1", "hello v2");
        await watch.WaitForContentAsync("hello v2");
        Assert.Empty(WorkersOf(workspace));
        workspace.Pass();
    }

    /// <summary>The warm build workers running in this workspace (by command line and working folder).</summary>
    private static List<int> WorkersOf(TestWorkspace workspace)
    {
        var workers = new List<int>();
        foreach (string entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid))
            {
                continue;
            }

            try
            {
                string commandLine = File.ReadAllText(Path.Combine(entry, "cmdline"));
                string? folder = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (commandLine.Contains("IncrementalWatch.BuildWorker.dll", StringComparison.Ordinal)
                    && folder is not null && Path.TrimEndingDirectorySeparator(folder) == Path.TrimEndingDirectorySeparator(workspace.Root)
                    && !ProcessTree.IsZombie(pid))
                {
                    workers.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // It exited while being read.
            }
        }

        return workers;
    }

    /// <summary>Kills the app's group a hard-killed host left behind.</summary>
    private sealed record GroupGuard(int Group) : IDisposable
    {
        public void Dispose() => UnixNative.kill(-Group, 9);
    }
}
