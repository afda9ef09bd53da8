using System.Collections.Concurrent;
using System.Threading.Channels;
using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Terminal;
using IncrementalWatch.Host.Watch;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Host.Watch;

/// <summary>
/// The watch loop's parts without a build or an app process: debouncing (<see cref="SignalBatch"/>),
/// deciding (<see cref="ChangeDetector"/>) and acting (<see cref="WatchSession"/> with a
/// stand-in builder and app supervisor), on real files and real file-system events.
/// </summary>
public sealed class WatchLoopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SignalsOfOneQuietSpellAreOneBatchAndIgnoredPathsDoNotJoinIt()
    {
        var signals = Channel.CreateUnbounded<WatchSignal>();
        Assert.True((await SignalBatch.CollectAsync(signals.Reader, _ => false, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), CancellationToken.None)).IsEmpty);

        // Two paths: the full debounce, so a third that comes 300 ms later joins them.
        signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/A.cs"));
        signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/obj/A.g.cs"));
        signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/B.cs"));
        var late = Task.Run(async () =>
        {
            await Task.Delay(300);
            signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/C.cs"));
        });
        var batch = await SignalBatch.CollectAsync(signals.Reader, p => p.Contains("/obj/"), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), CancellationToken.None);
        await late;
        Assert.Equal(new[] { "/w/A.cs", "/w/B.cs", "/w/C.cs" }, batch.Paths.Order());
        Assert.False(batch.Scan);

        // One path alone whose writer closed it (an editor's save, repeated events of it
        // included): a short wait only, so the same late write is not waited for; it makes the
        // next batch and is not lost.
        signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/A.cs"));
        signals.Writer.TryWrite(new(WatchSignalKind.Written, "/w/A.cs"));
        late = Task.Run(async () =>
        {
            await Task.Delay(1000);
            signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/C.cs"));
        });
        batch = await SignalBatch.CollectAsync(signals.Reader, _ => false, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(new[] { "/w/A.cs" }, batch.Paths);
        await late;
        batch = await SignalBatch.CollectAsync(signals.Reader, _ => false, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(new[] { "/w/C.cs" }, batch.Paths);

        // A file still being written (truncated, not yet closed) waits the full debounce.
        signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/A.cs"));
        late = Task.Run(async () =>
        {
            await Task.Delay(300);
            signals.Writer.TryWrite(new(WatchSignalKind.Path, "/w/B.cs"));
        });
        batch = await SignalBatch.CollectAsync(signals.Reader, _ => false, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), CancellationToken.None);
        await late;
        Assert.Equal(new[] { "/w/A.cs", "/w/B.cs" }, batch.Paths.Order());

        signals.Writer.TryWrite(new(WatchSignalKind.Unavailable, "inotify watch limit reached"));
        signals.Writer.TryWrite(new(WatchSignalKind.Scan, ""));
        batch = await SignalBatch.CollectAsync(signals.Reader, _ => false, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.True(batch.Scan);
        Assert.Equal("inotify watch limit reached", batch.EventsUnavailable);
    }

    [Fact]
    public void TheDetectorCountsContentChangesAndNewInputsButNotTouchesOutputsOrStrangers()
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        var detector = new ChangeDetector(Info(temp, program));

        File.SetLastWriteTimeUtc(program, DateTime.UtcNow.AddMinutes(1));
        string output = temp.File("App/obj/Debug/App.g.cs", "// generated");
        string stranger = temp.File("App/notes.txt", "not an input kind this project has");
        Assert.Empty(detector.Decide(Batch(program, output, stranger)));

        File.WriteAllText(program, "class Q {}");
        string added = temp.File("App/Added.cs", "class Added {}");
        Assert.Equal(new[] { added, program }.Order(), detector.Decide(Batch(program, added)).Order());

        // Found by a scan alone, as when events are lost; Added.cs is known by now.
        string scanned = temp.File("App/Sub/Scanned.cs", "class Scanned {}");
        Assert.Equal(new[] { program, scanned }.Order(), detector.Decide(new SignalBatch(new HashSet<string>(), true, null)).Order());

        detector.BuildStarting();
        Assert.Empty(detector.Decide(new SignalBatch(new HashSet<string>(), true, null)));
        File.Delete(program);
        Assert.Equal(new[] { program }, detector.Decide(Batch(program)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AChangeIsOneBuildAndOneReplacementAndAnIdenticalSaveIsNothing(bool polling)
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        var builder = new StandInBuilder(Info(temp, program));
        var app = new StandInApp();
        await using var loop = Start(temp, builder, app, polling);

        Assert.True(await ChildApp.EventuallyAsync(() => app.Replacements == 1, Bound), "the first build puts the app in place");
        File.WriteAllText(program, "class Q {}");
        Assert.True(await ChildApp.EventuallyAsync(() => app.Replacements == 2, Bound), loop.Output);

        File.WriteAllText(program, "class Q {}");
        File.SetLastWriteTimeUtc(program, DateTime.UtcNow.AddMinutes(1));
        for (int i = 0; i < 20 && builder.Builds.Count == 2; i++)
        {
            await Task.Delay(25); // several scans (every 50 ms here) pass without a build
        }

        Assert.Equal(2, builder.Builds.Count);
        Assert.Equal(HostExitCode.Stopped, await loop.StopAsync());
        Assert.True(app.ShutDown);
    }

    /// <summary>
    /// A project whose own build step writes under wwwroot/ (a Razor Pages app whose build runs
    /// webpack into wwwroot/dist/, as found on a real repository) gets one build per edit: what
    /// the build wrote is served as it is and starts no second build; a later edit of that file
    /// is still a change.
    /// </summary>
    [Fact]
    public async Task WhatTheBuildWritesUnderWwwrootStartsNoFurtherBuild()
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        string style = temp.File("App/Styles/site.scss", "a { color: red; }");
        string bundle = temp.File("App/wwwroot/dist/site.css", "a{color:red;}");
        var builder = new StandInBuilder(Info(temp, program, style, bundle) with { AppReadsItself = [bundle] });
        var app = new StandInApp();
        await using var loop = Start(temp, builder, app, polling: false);
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 1, Bound), loop.Output);

        builder.DuringBuild = () => File.WriteAllText(bundle, File.ReadAllText(style).Replace(" ", string.Empty, StringComparison.Ordinal));
        File.WriteAllText(style, "a { color: blue; }");
        Assert.True(await ChildApp.EventuallyAsync(() => loop.Output.Contains("site.css changed while the build ran", StringComparison.Ordinal), Bound), loop.Output);
        for (int i = 0; i < 20 && builder.Builds.Count == 2; i++)
        {
            await Task.Delay(25); // the write's events and several scans (every 50 ms here) pass without a build
        }

        Assert.Equal(2, builder.Builds.Count);

        builder.DuringBuild = null;
        File.WriteAllText(bundle, "a{color:green;}");
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 3, Bound), loop.Output);
    }

    [Fact]
    public async Task ABurstOfWritesIsOneBuild()
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        var builder = new StandInBuilder(Info(temp, program));
        var app = new StandInApp();
        await using var loop = Start(temp, builder, app, polling: false, debounce: TimeSpan.FromMilliseconds(300));
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 1, Bound));

        for (int i = 0; i < 200; i++)
        {
            temp.File($"App/Generated/File{i}.cs", $"class File{i} {{}}");
        }

        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 2, Bound), loop.Output);
        await Task.Delay(400);
        Assert.Equal(2, builder.Builds.Count);
        Assert.Contains("and 195 more; building", loop.Output);
    }

    /// <summary>
    /// 10,000 watched files rewritten at once overflow inotify's queue (16,384 events): the
    /// overflow becomes a rescan that compares every file by content, and the burst is one build
    /// that names all 10,000. The reconciling scan is off here, so only events and the rescan
    /// they ask for can find the changes.
    /// </summary>
    [Fact]
    public async Task TenThousandChangedFilesAreOneBuildAndNoneIsLost()
    {
        using var temp = new TempDirectory();
        var files = Enumerable.Range(0, 10_000).Select(i => temp.File($"App/src/F{i / 500}/File{i}.cs", $"class File{i} {{}}")).ToArray();
        var builder = new StandInBuilder(Info(temp, files));
        var app = new StandInApp();
        await using var loop = Start(temp, builder, app, polling: false, debounce: TimeSpan.FromMilliseconds(300), reconcile: TimeSpan.FromHours(1));
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 1 && loop.Output.Contains("polled"), Bound));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < files.Length; i++)
        {
            File.WriteAllText(files[i], $"class File{i} {{ }} // changed");
        }

        var writing = clock.Elapsed;
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 2, Bound), loop.Output);
        await Task.Delay(1000);
        Assert.True(builder.Builds.Count == 2, $"{builder.Builds.Count} builds; the writes took {writing.TotalMilliseconds:0} ms\n{loop.Output}");
        Assert.Contains("and 9995 more; building", loop.Output);
    }

    /// <summary>
    /// A folder on a file system that delivers no events (here the mount table says 9p, as WSL2's
    /// /mnt drives) is polled, says so once (IW1102), and its changes are found by the poll alone
    /// (the reconciling scan is off).
    /// </summary>
    [Fact]
    public async Task AFolderWithoutEventsIsPolledAndItsChangesAreFound()
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        var builder = new StandInBuilder(Info(temp, program));
        var app = new StandInApp();
        var mounts = MountTable.Parse($"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:40 / {temp.Path} rw - 9p drvfs rw\n");
        await using var loop = Start(temp, builder, app, polling: false, mounts: mounts, reconcile: TimeSpan.FromHours(1));
        Assert.True(await ChildApp.EventuallyAsync(() => app.Replacements == 1, Bound));
        Assert.Contains("IW1102", loop.Output);
        Assert.Contains($"on {temp.Path} (9p", loop.Output);
        Assert.Contains("0 folder(s) watched with events, 1 polled", loop.Output);

        File.WriteAllText(program, "class Q {}");
        Assert.True(await ChildApp.EventuallyAsync(() => app.Replacements == 2, Bound), loop.Output);
        string added = temp.File("App/Sub/Added.cs", "class A {}");
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 3, Bound), loop.Output);
        Assert.Contains("Added.cs", loop.Output);
        Assert.Equal(1, CountOf(loop.Output, "IW1102"));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Fact]
    public async Task AFailedBuildLeavesTheAppAndTheNextBuildRestoresAndAChangeDuringABuildIsBuiltNext()
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        var builder = new StandInBuilder(Info(temp, program));
        var app = new StandInApp();
        await using var loop = Start(temp, builder, app, polling: false);
        Assert.True(await ChildApp.EventuallyAsync(() => app.Replacements == 1, Bound));

        builder.FailNext = true;
        File.WriteAllText(program, "class Broken {");
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 2, Bound));
        Assert.True(await ChildApp.EventuallyAsync(() => loop.Output.Contains("build failed"), Bound), loop.Output);
        Assert.Equal(1, app.Replacements);

        // The next build restores (the last one failed), and is held open while the file changes again.
        var hold = new TaskCompletionSource();
        builder.Hold = hold;
        File.WriteAllText(program, "class Fixed {}");
        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 3, Bound));
        Assert.True(builder.Builds[2]);
        File.WriteAllText(program, "class FixedAgain {}");
        await Task.Delay(200);
        hold.SetResult();

        Assert.True(await ChildApp.EventuallyAsync(() => builder.Builds.Count == 4 && app.Replacements == 3, Bound), loop.Output);
        Assert.False(builder.Builds[3], "no restore after a good build for a .cs change");
    }

    [Fact]
    public async Task AnAppThatExitsIsStartedAgainWhenThePolicySaysSo()
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        var app = new StandInApp();
        await using var loop = Start(temp, new StandInBuilder(Info(temp, program)), app, polling: false);
        Assert.True(await ChildApp.EventuallyAsync(() => app.Replacements == 1, Bound));

        app.Exit(1);
        Assert.True(await ChildApp.EventuallyAsync(() => app.Restarts == 1, Bound), loop.Output);
        Assert.Contains("exited", loop.Output);
    }

    private static SignalBatch Batch(params string[] paths) => new(paths.ToHashSet(), false, null);

    private static WatchInfo Info(TempDirectory temp, params string[] files)
    {
        string project = temp.File("App/App.csproj", "<Project />");
        return new WatchInfo("dotnet", "App.dll", temp.Path, Path.Combine(temp.Path, "App", "bin"), "",
            new[] { new WatchedProject(project, Path.Combine(temp.Path, "App"), Path.Combine(temp.Path, "App", "bin") + "/", Path.Combine(temp.Path, "App", "obj") + "/") },
            files.Append(project).ToList());
    }

    private static RunningLoop Start(TempDirectory temp, StandInBuilder builder, IAppSupervisor app, bool polling, TimeSpan? debounce = null, MountTable? mounts = null, TimeSpan? reconcile = null)
    {
        var output = new MemoryStream();
        var console = new WatchConsole(new ConsoleSink(output, belowTerminalLogger: false), eventsFile: null);
        var options = new WatchOptions
        {
            ProjectFile = Path.Combine(temp.Path, "App", "App.csproj"),
            StateDirectory = Path.Combine(temp.Path, "App", "obj", "IncrementalWatch"),
            DotnetPath = "dotnet",
            WorkingDirectory = temp.Path,
            App = new AppOptions { ProjectFile = "App.csproj", StateDirectory = temp.Path, WorkingDirectory = temp.Path },
            Polling = polling,
            PollInterval = TimeSpan.FromMilliseconds(50),
            ReconcileInterval = reconcile ?? TimeSpan.FromMilliseconds(polling ? 5000 : 50),
            ReconcileMaxInterval = reconcile ?? TimeSpan.FromMilliseconds(polling ? 5000 : 50),
            Debounce = debounce ?? TimeSpan.FromMilliseconds(30),
            Mounts = mounts,
        };
        var session = new WatchSession(options, builder.Initial, console, builder, app);
        var stop = new CancellationTokenSource();
        return new RunningLoop(session.RunAsync(stop.Token), stop, output);
    }

    private sealed class RunningLoop(Task<HostExitCode> run, CancellationTokenSource stop, MemoryStream output) : IAsyncDisposable
    {
        public string Output
        {
            get
            {
                return System.Text.Encoding.UTF8.GetString(output.ToArray());
            }
        }

        public async Task<HostExitCode> StopAsync()
        {
            stop.Cancel();
            return await run.WaitAsync(Bound);
        }

        public async ValueTask DisposeAsync()
        {
            if (!run.IsCompleted)
            {
                await StopAsync();
            }

            stop.Dispose();
        }
    }

    /// <summary>Records each build's restore flag; can fail the next build or hold one open.</summary>
    private sealed class StandInBuilder(WatchInfo initial) : IProjectBuilder
    {
        private readonly ConcurrentQueue<bool> _builds = new();

        public WatchInfo Initial { get; } = initial;

        public List<bool> Builds => _builds.ToList();

        public volatile bool FailNext;

        public TaskCompletionSource? Hold { get; set; }

        /// <summary>What the project's own build steps write (webpack into wwwroot/dist/, say).</summary>
        public Action? DuringBuild { get; set; }

        public async Task<BuildResult> BuildAsync(bool restore, CancellationToken cancellation)
        {
            _builds.Enqueue(restore);
            DuringBuild?.Invoke();
            if (Hold is { } hold)
            {
                Hold = null;
                await hold.Task.WaitAsync(cancellation);
            }

            if (FailNext)
            {
                FailNext = false;
                return new BuildResult(false, 1, TimeSpan.FromMilliseconds(1));
            }

            return new BuildResult(true, 0, TimeSpan.FromMilliseconds(1), Initial);
        }
    }

    /// <summary>Counts replacements and restarts; exits when told to, with the policy the real supervisor uses.</summary>
    private sealed class StandInApp : IAppSupervisor
    {
        private readonly RestartPolicy _policy = new();
        private TaskCompletionSource<int>? _running;
        private int _replacements;
        private int _restarts;

        public int Replacements => Volatile.Read(ref _replacements);

        public int Restarts => Volatile.Read(ref _restarts);

        public bool ShutDown { get; private set; }

        public Task<int>? Exited => _running?.Task;

        public bool IsRunning => _running is not null;

        public IncrementalWatch.Host.Web.BrowserHub? Browser => null;

        public void Exit(int code) => _running!.SetResult(code);

        public Task<bool> CleanUpAfterEarlierHostAsync() => Task.FromResult(true);

        public Task<bool> ReplaceAsync(WatchInfo info, bool force, CancellationToken cancellation)
        {
            _running = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Increment(ref _replacements);
            return Task.FromResult(true);
        }

        public RestartDecision OnExited()
        {
            int code = _running!.Task.Result;
            _running = null;
            var decision = _policy.OnExit(code, TimeSpan.FromMinutes(1));
            return decision with { Delay = TimeSpan.FromMilliseconds(10) };
        }

        public Task RestartAsync(CancellationToken cancellation)
        {
            _running = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Increment(ref _restarts);
            return Task.CompletedTask;
        }

        public Task ShutdownAsync()
        {
            ShutDown = true;
            return Task.CompletedTask;
        }
    }
}
