using System.Diagnostics;
using System.Threading.Channels;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// The watch loop, after watchexec: collect events, debounce, decide by content, act. A
/// change to a watched file's content (or a new file the project may include) leads to one
/// rebuild while the old app keeps running, and, when the build succeeds and its output
/// differs, to one graceful restart. Events that arrive during a build are kept for the next
/// round, and a periodic scan compares every watched file by content, so no change is lost.
/// </summary>
public sealed class WatchSession
{
    private static readonly TimeSpan MaxBatch = TimeSpan.FromSeconds(2);

    private readonly WatchOptions _options;
    private readonly WatchConsole _console;
    private readonly AppRunner _runner;
    private readonly BuildRunner _builder;
    private readonly Channel<WatchSignal> _signals = Channel.CreateUnbounded<WatchSignal>();
    private readonly FileEventSource _events;
    private readonly ContentBaseline _baseline = new();
    private readonly HashSet<string> _pendingNew = new(PathComparison.Comparer);
    private HashSet<string> _knownDirectoryFiles = new(PathComparison.Comparer);
    private HashSet<string> _extensions = new(StringComparer.OrdinalIgnoreCase);
    private WatchInfo _info;
    private PathFilter _filter;
    private bool _polling;
    private bool _lastBuildFailed;

    public WatchSession(WatchOptions options, WatchInfo initial, WatchConsole console)
    {
        _options = options;
        _console = console;
        _info = initial;
        _filter = new PathFilter(initial.Projects, NeverInputs.FromList(initial.NeverInputFolders));
        _info = initial with { Files = initial.Files.Where(f => !_filter.IsIgnored(f)).ToList() };
        _runner = new AppRunner(options.App, console);
        _builder = new BuildRunner(options, console.Sink.BelowTerminalLogger ? console.Sink : null);
        _polling = options.Polling;
        _events = new FileEventSource(_signals.Writer);
    }

    public async Task<HostExitCode> RunAsync(CancellationToken stop)
    {
        if (!await _runner.CleanUpAfterEarlierHostAsync().ConfigureAwait(false))
        {
            return HostExitCode.AlreadyRunning;
        }

        try
        {
            if (_polling)
            {
                _console.Say($"polling every {(int)_options.PollInterval.TotalMilliseconds} ms instead of using file-system events, as requested");
            }

            Watch();
            _baseline.Capture(_info.Files);
            _extensions = Extensions(_info.Files);
            _knownDirectoryFiles = ScanDirectories();
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
            _events.Dispose();
            _console.Say("stopping");
            await _runner.ShutdownAsync().ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        Task? restartTimer = null;
        var nextScan = Stopwatch.StartNew();
        while (true)
        {
            TimeSpan scanEvery = _polling ? _options.PollInterval : _options.ReconcileInterval;
            TimeSpan untilScan = scanEvery - nextScan.Elapsed;
            var waits = new List<Task>
            {
                _signals.Reader.WaitToReadAsync(stop).AsTask(),
                Task.CompletedTask,
            };
            using var round = CancellationTokenSource.CreateLinkedTokenSource(stop);
            waits[1] = Task.Delay(untilScan > TimeSpan.Zero ? untilScan : TimeSpan.Zero, round.Token);
            Task? exited = _runner.App?.Exited;
            if (exited is not null)
            {
                waits.Add(exited);
            }

            if (restartTimer is not null)
            {
                waits.Add(restartTimer);
            }

            Task done = await Task.WhenAny(waits).ConfigureAwait(false);
            round.Cancel();
            stop.ThrowIfCancellationRequested();
            if (done == exited)
            {
                var decision = _runner.OnExited();
                _console.Say(decision.Reason);
                _console.Event("exited", decision.Restart ? "restart" : "wait");
                restartTimer = decision.Restart ? Task.Delay(decision.Delay, stop) : null;
                continue;
            }

            if (restartTimer is not null && done == restartTimer)
            {
                restartTimer = null;
                await _runner.RestartAsync(stop).ConfigureAwait(false);
                continue;
            }

            var changed = new List<string>();
            if (nextScan.Elapsed >= scanEvery)
            {
                nextScan.Restart();
                _signals.Writer.TryWrite(new WatchSignal(WatchSignalKind.Scan, ""));
            }

            await CollectAsync(changed, stop).ConfigureAwait(false);
            if (changed.Count > 0)
            {
                restartTimer = null;
                bool restore = _lastBuildFailed || changed.Any(BuildRunner.AffectsRestore);
                await BuildAndReplaceAsync(changed, restore, stop).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads signals until the debounce window is quiet; adds what changed by content.</summary>
    private async Task CollectAsync(List<string> changed, CancellationToken stop)
    {
        var candidates = new HashSet<string>(PathComparison.Comparer);
        bool scan = false;
        var batch = Stopwatch.StartNew();
        while (true)
        {
            while (_signals.Reader.TryRead(out WatchSignal signal))
            {
                switch (signal.Kind)
                {
                    case WatchSignalKind.Path:
                        if (!_filter.IsIgnored(signal.Detail))
                        {
                            candidates.Add(signal.Detail);
                        }

                        break;
                    case WatchSignalKind.Unavailable:
                        SwitchToPolling(signal.Detail);
                        scan = true;
                        break;
                    default:
                        scan = true;
                        break;
                }
            }

            if (candidates.Count == 0 && !scan)
            {
                return;
            }

            // Debounce: wait for a quiet spell (a checkout of many files gives one rebuild).
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stop);
            quiet.CancelAfter(_options.Debounce);
            try
            {
                if (batch.Elapsed < MaxBatch && await _signals.Reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // Quiet long enough.
            }

            break;
        }

        if (scan)
        {
            candidates.UnionWith(_baseline.Paths);
            var files = ScanDirectories();
            candidates.UnionWith(files.Where(f => !_knownDirectoryFiles.Contains(f)));
            _knownDirectoryFiles.IntersectWith(files);
        }

        foreach (string path in candidates)
        {
            if (_baseline.Contains(path))
            {
                if (_baseline.HasChanged(path))
                {
                    changed.Add(path);
                }
            }
            else if (!File.Exists(path))
            {
                _knownDirectoryFiles.Remove(path);
            }
            else if (MayBeNewInput(path) && _knownDirectoryFiles.Add(path))
            {
                // New since the last look: the project may include it after re-evaluation.
                // Later edits of a file the build did not take up restart nothing.
                _pendingNew.Add(path);
                changed.Add(path);
            }
        }
    }

    private async Task BuildAndReplaceAsync(IReadOnlyCollection<string> changed, bool restore, CancellationToken stop)
    {
        string names = string.Join(", ", changed.Take(5).Select(p => p.StartsWith('(') ? p : Path.GetRelativePath(_options.WorkingDirectory, p)));
        _console.Say(changed.Count > 5 ? $"changed: {names} and {changed.Count - 5} more; building" : $"changed: {names}; building");
        _console.Event("build", changed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // What the build reads is what the baseline holds from now; later edits are new changes.
        _baseline.Capture(_baseline.Paths.Concat(_pendingNew).ToList());
        _pendingNew.Clear();
        var started = DateTimeOffset.UtcNow;
        var result = await _builder.BuildAsync(restore, stop).ConfigureAwait(false);
        _lastBuildFailed = !result.Succeeded;
        if (!result.Succeeded)
        {
            _console.Event("build-failed", result.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _console.Say($"build failed in {WatchConsole.Seconds(result.Duration)}{(_runner.App is null ? "" : "; the app keeps running")}; waiting for a change");
            return;
        }

        _console.Event("built", "");
        _info = WatchInfo.Load(_options.WatchInfoFile);
        _filter = new PathFilter(_info.Projects, NeverInputs.FromList(_info.NeverInputFolders));

        // Files the build generates (under obj/) are its outputs, not inputs to watch.
        _info = _info with { Files = _info.Files.Where(f => !_filter.IsIgnored(f)).ToList() };
        var files = _info.Files.ToHashSet(PathComparison.Comparer);
        _baseline.RetainOnly(files);
        _baseline.AddDiscovered(files, started);
        _extensions = Extensions(files);
        _knownDirectoryFiles.UnionWith(files);
        if (string.IsNullOrEmpty(_info.RunCommand))
        {
            _console.Report(Descriptors.IW3102.Create(_options.ProjectFile));
            return;
        }

        Watch();
        _console.Say($"build succeeded in {WatchConsole.Seconds(result.Duration)}");
        try
        {
            await _runner.ReplaceAsync(_info, stop).ConfigureAwait(false);
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

    private void Watch()
    {
        if (_polling)
        {
            return;
        }

        if (!_events.TryWatch(Directories(), out string? failure))
        {
            SwitchToPolling(failure ?? "unknown error");
        }
    }

    private void SwitchToPolling(string reason)
    {
        if (_polling)
        {
            return;
        }

        _polling = true;
        _events.Dispose();
        _console.Report(Descriptors.IW2103.Create(reason, (int)_options.PollInterval.TotalMilliseconds));
    }

    /// <summary>Project folders (recursively) and the folders of watched files outside them.</summary>
    private Dictionary<string, bool> Directories()
    {
        var recursive = _info.Projects.Select(p => Path.TrimEndingDirectorySeparator(p.Directory)).Distinct(PathComparison.Comparer).ToList();
        var directories = recursive.ToDictionary(d => d, _ => true, PathComparison.Comparer);
        foreach (string file in _info.Files)
        {
            string? directory = Path.GetDirectoryName(file);
            if (directory is not null && !recursive.Any(r => Under(directory, r)))
            {
                directories.TryAdd(directory, false);
            }
        }

        return directories;
    }

    /// <summary>The files under the project folders whose kind the project already watches.</summary>
    private HashSet<string> ScanDirectories()
    {
        var files = new HashSet<string>(PathComparison.Comparer);
        foreach (var project in _info.Projects)
        {
            if (!Directory.Exists(project.Directory))
            {
                continue;
            }

            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (string file in Directory.EnumerateFiles(project.Directory, "*", options))
            {
                if (!_filter.IsIgnored(file) && MayBeNewInput(file))
                {
                    files.Add(file);
                }
            }
        }

        return files;
    }

    /// <summary>
    /// A file the project does not list yet but might after re-evaluation (a new .cs under a
    /// glob): one with an extension some watched file has, or a project or import file.
    /// </summary>
    private bool MayBeNewInput(string path)
    {
        if (_filter.IsIgnored(path) || !_info.Projects.Any(p => Under(path, p.Directory)))
        {
            return false;
        }

        string extension = Path.GetExtension(path);
        return BuildRunner.AffectsRestore(path) || (extension.Length > 0 && _extensions.Contains(extension));
    }

    private static HashSet<string> Extensions(IEnumerable<string> files) =>
        files.Select(Path.GetExtension).Where(e => !string.IsNullOrEmpty(e)).ToHashSet(StringComparer.OrdinalIgnoreCase)!;

    private static bool Under(string path, string directory)
    {
        string root = Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar;
        return path.StartsWith(root, PathComparison.Comparison) || string.Equals(path, directory, PathComparison.Comparison);
    }
}
