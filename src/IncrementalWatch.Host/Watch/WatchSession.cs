using System.Threading.Channels;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// The watch loop, split as watchexec splits it: sources (<see cref="IChangeSource"/>: file-system
/// events and a scan timer) write signals; <see cref="SignalBatch"/> debounces them;
/// <see cref="ChangeDetector"/> decides by content what changed; this class acts. A change
/// leads to one rebuild while the old app keeps running and, when the build succeeds, to one
/// replacement of the app (which restarts nothing when the output did not change). Signals
/// that arrive during a build wait for the next round, and the timer's scan compares every
/// watched file by content, so no change is lost.
/// </summary>
public sealed class WatchSession
{
    private static readonly TimeSpan MaxBatch = TimeSpan.FromSeconds(2);

    private readonly WatchOptions _options;
    private readonly WatchConsole _console;
    private readonly IAppSupervisor _app;
    private readonly IProjectBuilder _builder;
    private readonly Channel<WatchSignal> _signals = Channel.CreateUnbounded<WatchSignal>();
    private readonly ChangeDetector _detector;
    private readonly ScanTimer _scans;
    private readonly PollingSource _poller;
    private readonly AdaptiveInterval _pollInterval;
    private readonly MountTable _mounts;
    private readonly RestartRequests _restartRequests;
    private readonly HashSet<string> _reportedMounts = new(StringComparer.Ordinal);
    private IChangeSource? _events;
    private string? _eventsFailure;
    private bool _pollEverything;
    private int _watchedWithEvents;
    private bool _lastBuildFailed;

    public WatchSession(WatchOptions options, WatchInfo initial, WatchConsole console)
        : this(options, initial, console, NewBuilder(options, console), new AppRunner(options.App, console))
    {
    }

    /// <summary>With a given builder and app supervisor (the loop's tests use stand-ins for both).</summary>
    public WatchSession(WatchOptions options, WatchInfo initial, WatchConsole console, IProjectBuilder builder, IAppSupervisor app)
    {
        _options = options;
        _console = console;
        _builder = builder;
        _app = app;
        _detector = new ChangeDetector(initial);
        _mounts = options.Mounts ?? MountTable.Current();

        // The reconciling scan compares every watched file by content whatever the sources
        // say: a few seconds after a change, up to a minute apart while idle; the poller
        // covers folders without events at once.
        _scans = new ScanTimer(_signals.Writer, new AdaptiveInterval(options.ReconcileInterval, options.ReconcileMaxInterval));
        _pollInterval = new AdaptiveInterval(AdaptiveInterval.DefaultMinimum, options.PollInterval);
        _poller = new PollingSource(_signals.Writer, _pollInterval);
        _pollEverything = options.Polling;
        _events = options.Polling ? null : NewEventSource(_signals.Writer, _detector, out _eventsFailure);
        _pollEverything |= _events is null;
        _restartRequests = new RestartRequests(_signals.Writer, options.StateDirectory);
    }

    /// <summary>inotify on Linux (one instance, a watch per folder); FileSystemWatcher elsewhere (recursive APIs).</summary>
    private static IChangeSource? NewEventSource(ChannelWriter<WatchSignal> signals, ChangeDetector detector, out string? failure)
    {
        failure = null;
        if (!OperatingSystem.IsLinux())
        {
            return new FileEventSource(signals);
        }

        try
        {
            return new InotifyEventSource(signals, folder => !detector.IsExcludedFolder(folder));
        }
        catch (IOException ex)
        {
            failure = ex.Message;
            return null;
        }
    }

    /// <summary>Rebuilds in the warm worker unless switched off (-p:IncrementalWatchWarmBuild=false).</summary>
    private static IProjectBuilder NewBuilder(WatchOptions options, WatchConsole console)
    {
        var output = console.Sink.BelowTerminalLogger ? console.Sink : null;
        return options.WarmBuild ? new WarmBuilder(options, console, output) : new BuildRunner(options, output);
    }

    /// <summary>Whether the loop polls (asked for, or because events could not be had).</summary>
    public bool Polling => _events is null;

    public async Task<HostExitCode> RunAsync(CancellationToken stop)
    {
        bool owner = false;
        try
        {
            // Another live host owns this project's app and record: leave them alone.
            if (!await _app.CleanUpAfterEarlierHostAsync().ConfigureAwait(false))
            {
                return HostExitCode.AlreadyRunning;
            }

            owner = true;
            if (_options.Polling)
            {
                _console.Say($"polling (every {(int)_pollInterval.Minimum.TotalMilliseconds} to {(int)_pollInterval.Maximum.TotalMilliseconds} ms) instead of using file-system events, as requested");
            }
            else if (_eventsFailure is not null)
            {
                _console.Report(Descriptors.IW2103.Create(_eventsFailure, (int)_options.PollInterval.TotalMilliseconds));
            }

            Watch();
            _console.Say($"{_watchedWithEvents} folder(s) watched with events, {_poller.FolderCount} polled");
            await BuildAndReplaceAsync(new[] { "(start)" }, restore: false, stop).ConfigureAwait(false);
            await LoopAsync(stop).ConfigureAwait(false);
            return HostExitCode.Stopped;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return HostExitCode.Stopped;
        }
        finally
        {
            _scans.Dispose();
            _poller.Dispose();
            _events?.Dispose();
            _restartRequests.Dispose();
            if (_builder is IAsyncDisposable builder)
            {
                await builder.DisposeAsync().ConfigureAwait(false);
            }

            if (owner)
            {
                _console.Say("stopping");
                await _app.ShutdownAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        Task? restartTimer = null;
        while (true)
        {
            var waits = new List<Task> { _signals.Reader.WaitToReadAsync(stop).AsTask() };
            Task? exited = _app.Exited;
            if (exited is not null)
            {
                waits.Add(exited);
            }

            if (restartTimer is not null)
            {
                waits.Add(restartTimer);
            }

            Task done = await Task.WhenAny(waits).ConfigureAwait(false);
            stop.ThrowIfCancellationRequested();
            if (done == exited)
            {
                var decision = _app.OnExited();
                _console.Say(decision.Reason);
                _console.Event("exited", decision.Restart ? "restart" : "wait");
                restartTimer = decision.Restart ? Task.Delay(decision.Delay, stop) : null;
                continue;
            }

            if (restartTimer is not null && done == restartTimer)
            {
                restartTimer = null;
                await _app.RestartAsync(stop).ConfigureAwait(false);
                continue;
            }

            var batch = await SignalBatch.CollectAsync(_signals.Reader, _detector.IsIgnored, _options.Debounce, MaxBatch, stop).ConfigureAwait(false);
            if (batch.EventsUnavailable is not null)
            {
                SwitchToPolling(batch.EventsUnavailable);
            }

            var changed = _detector.Decide(batch);
            if (changed.Count > 0)
            {
                _scans.Activity();
            }

            if (batch.Scan)
            {
                // The scan walked for new folders: watch or poll them from now on.
                Watch();
            }

            bool requested = batch.RestartRequested || (batch.Scan && _restartRequests.Check());
            if (requested)
            {
                changed.Add("(restart requested)");
            }

            if (changed.Count > 0)
            {
                restartTimer = null;
                bool projectFiles = changed.Any(BuildRunner.AffectsRestore);
                bool restore = _lastBuildFailed || projectFiles;
                if (projectFiles)
                {
                    _builder.ProjectFilesChanged();
                }

                var restart = requested ? Restart.Always : changed.All(_detector.AppReadsItself) ? Restart.No : Restart.IfOutputChanged;
                await BuildAndReplaceAsync(changed, restore, stop, restart).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What a good build does to the running app.</summary>
    private enum Restart
    {
        /// <summary>Replace it when the build's output differs from what runs (a source change).</summary>
        IfOutputChanged,

        /// <summary>Leave it: every change is to a file the app reads itself; the build only copies it.</summary>
        No,

        /// <summary>Replace it whatever the output (dotnet build -t:WatchRestart).</summary>
        Always,
    }

    private async Task BuildAndReplaceAsync(IReadOnlyCollection<string> changed, bool restore, CancellationToken stop, Restart restart = Restart.IfOutputChanged)
    {
        _console.Say($"changed: {Names(changed)}; building");
        _console.Event("build", changed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        _detector.BuildStarting();
        var started = DateTimeOffset.UtcNow;
        var result = await _builder.BuildAsync(restore, stop).ConfigureAwait(false);
        _lastBuildFailed = !result.Succeeded;
        if (!result.Succeeded || result.Info is null)
        {
            _console.Event("build-failed", result.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _console.Say($"build failed in {WatchConsole.Seconds(result.Duration)}{(_app.IsRunning ? "; the app keeps running" : "")}; waiting for a change");
            if (_app.Browser is { } pages)
            {
                await pages.BuildFailedAsync(result.Errors ?? $"The build failed with exit code {result.ExitCode}; the errors are in the watch's output.").ConfigureAwait(false);
            }

            return;
        }

        _console.Event("built", "");
        _detector.BuildSucceeded(result.Info, started);
        if (_app.Browser is { } browser)
        {
            await browser.BuildSucceededAsync().ConfigureAwait(false);
        }

        // What the build itself wrote under wwwroot/ (or a save meanwhile) is served as it is:
        // the pages are told now, and it starts no further build.
        var servedAsWritten = _detector.TakeStaticChangesDuringBuild();
        if (servedAsWritten.Count > 0)
        {
            _console.Say($"{Names(servedAsWritten)} changed while the build ran; the app serves {(servedAsWritten.Count == 1 ? "it" : "them")} itself, so no further build");
            if (_app.Browser is { } pages && StaticUrlPaths(servedAsWritten) is { Count: > 0 } written)
            {
                await pages.StaticFilesChangedAsync(written).ConfigureAwait(false);
            }
        }

        if (string.IsNullOrEmpty(_detector.Info.RunCommand))
        {
            _console.Report(Descriptors.IW3102.Create(_options.ProjectFile));
            return;
        }

        Watch();
        if (restart == Restart.No && _app.IsRunning)
        {
            _console.Event("not-restarted", "");
            _console.Say($"build succeeded in {WatchConsole.Seconds(result.Duration)}; the app reads {(changed.Count == 1 ? Path.GetFileName(changed.First()) : "these files")} itself, so it keeps running");
            if (_app.Browser is { } pages && StaticUrlPaths(changed) is { Count: > 0 } paths)
            {
                // Static files the app serves from wwwroot/: stylesheets are swapped in the open pages, others reload them.
                await pages.StaticFilesChangedAsync(paths).ConfigureAwait(false);
            }

            return;
        }

        _console.Say($"build succeeded in {WatchConsole.Seconds(result.Duration)}");
        try
        {
            await _app.ReplaceAsync(_detector.Info, force: restart == Restart.Always, stop).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            _console.Report(Descriptors.IW3105.Create(ex.Message));
        }
        catch (InvalidOperationException ex)
        {
            _console.Report(Descriptors.IW3101.Create(ex.Message));
        }
    }

    /// <summary>The URL paths of changed files under a watched project's wwwroot/ (as the app serves them).</summary>
    private List<string> StaticUrlPaths(IEnumerable<string> changed) =>
        changed.Select(_detector.StaticUrlPath).OfType<string>().ToList();

    /// <summary>Up to five paths, relative to the working folder, for one line of output.</summary>
    private string Names(IReadOnlyCollection<string> paths)
    {
        string names = string.Join(", ", paths.Take(5).Select(p => p.StartsWith('(') ? p : Path.GetRelativePath(_options.WorkingDirectory, p)));
        return paths.Count > 5 ? $"{names} and {paths.Count - 5} more" : names;
    }

    /// <summary>
    /// Points the sources at the folders the latest watch list needs: events where the file
    /// system delivers them, the poller for the rest (or for everything, when asked or when
    /// events cannot be had). Says once per mount which folders are polled and why (IW1102).
    /// </summary>
    private void Watch()
    {
        var evented = new List<string>();
        var polled = new List<string>();
        foreach (string folder in _detector.Folders)
        {
            bool poll = _pollEverything || (!_options.NeverPoll && !_mounts.DeliversEventsFor(folder));
            (poll ? polled : evented).Add(folder);
        }

        if (!_pollEverything)
        {
            ReportPolledMounts(polled);
        }

        if (_events is not null && !_events.TryWatch(evented, out string? failure))
        {
            SwitchToPolling(failure ?? "unknown error");
            return;
        }

        _poller.TryWatch(polled, out _);
        _watchedWithEvents = _events is null ? 0 : evented.Count;
        _console.Event("folders", $"{_watchedWithEvents} {polled.Count}");
    }

    private void ReportPolledMounts(List<string> polled)
    {
        foreach (var group in polled.GroupBy(f => _mounts.MountOf(f)!))
        {
            if (_reportedMounts.Add(group.Key.MountPoint))
            {
                string examples = string.Join(", ", group.Take(3).Select(f => Path.GetRelativePath(_options.WorkingDirectory, f)));
                _console.Report(Descriptors.IW1102.Create(group.Count(), group.Key.MountPoint, group.Key.FileSystemType, examples, (int)_pollInterval.Minimum.TotalMilliseconds, (int)_pollInterval.Maximum.TotalMilliseconds));
            }
        }
    }

    private void SwitchToPolling(string reason)
    {
        if (_events is null)
        {
            return;
        }

        _events.Dispose();
        _events = null;
        _pollEverything = true;
        _console.Report(Descriptors.IW2103.Create(reason, (int)_options.PollInterval.TotalMilliseconds));
        Watch();
    }
}
