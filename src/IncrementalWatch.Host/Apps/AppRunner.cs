using System.Diagnostics;
using System.Net;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Apps;

/// <summary>
/// Owns the one running app instance: starts it from a run slot as dotnet run would, replaces
/// it after a good build (old app stopped gracefully, port free, new app started, readiness
/// awaited), restarts it with backoff when it crashes, and stops it for good at the end.
/// </summary>
public sealed class AppRunner : IAppSupervisor
{
    private readonly AppOptions _options;
    private readonly WatchConsole _console;
    private readonly OutputSlots _slots;
    private readonly RestartPolicy _policy = new();
    private OutputSlot? _slot;
    private ChildStartInfo? _startInfo;

    public AppRunner(AppOptions options, WatchConsole console)
    {
        _options = options;
        _console = console;
        _slots = new OutputSlots(options.SlotsDirectory);
    }

    public ChildProcess? App { get; private set; }

    public Task<int>? Exited => App?.Exited;

    public bool IsRunning => App is not null;

    /// <summary>Stops an app a killed host left behind, and removes old run slots. False when another host is alive.</summary>
    public async Task<bool> CleanUpAfterEarlierHostAsync()
    {
        if (AppRecord.Load(_options.RecordFile) is { } record)
        {
            if (record.HostAlive)
            {
                _console.Report(Descriptors.IW3103.Create(record.HostPid, _options.ProjectFile));
                return false;
            }

            if (record.AppPid > 0 && record.AppAlive && !OperatingSystem.IsWindows())
            {
                var outcome = await GracefulStopper.StopLeftoverAsync(record.AppPid, record.AppGroup, _options.Stop).ConfigureAwait(false);
                _console.Report(Descriptors.IW1101.Create(record.AppPid));
                ReportSurvivors(outcome);
            }
            else if (record.AppPid > 0 && record.AppAlive)
            {
                using var leftover = Process.GetProcessById(record.AppPid);
                leftover.Kill(entireProcessTree: true);
                _console.Report(Descriptors.IW1101.Create(record.AppPid));
            }
        }

        _slots.Reset();
        Directory.CreateDirectory(_options.StateDirectory);
        new AppRecord(0, 0, 0, Environment.ProcessId, ProcessIdentity.StartTimeOf(Environment.ProcessId) ?? 0).Save(_options.RecordFile);
        return true;
    }

    /// <summary>
    /// Puts the build's output in place: when it differs from what runs, the old app is stopped
    /// and the new one started. Returns false when the output was unchanged and the app is running.
    /// </summary>
    /// <exception cref="InvalidDataException">The launch settings cannot be used.</exception>
    /// <exception cref="InvalidOperationException">The app cannot be started.</exception>
    public async Task<bool> ReplaceAsync(WatchInfo info, bool force, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var (slot, changed) = _slots.Prepare(info.TargetDirectory, _slot);
        if (!changed && !force && App is { HasExited: false })
        {
            _console.Say("the build output is unchanged; the app keeps running");
            return false;
        }

        var startInfo = StartInfoFor(info, slot);
        TimeSpan prepare = clock.Elapsed;
        TimeSpan stop = await StopAppAsync().ConfigureAwait(false);
        if (_slot is not null && _slot != slot)
        {
            OutputSlots.Discard(_slot);
        }

        _slot = slot;
        _startInfo = startInfo;
        _policy.Reset();
        await StartAsync(cancellation, $"copy {WatchConsole.Seconds(prepare)}, stop {WatchConsole.Seconds(stop)}").ConfigureAwait(false);
        return true;
    }

    /// <summary>Starts the app again from the same slot (after a crash, with backoff).</summary>
    public Task RestartAsync(CancellationToken cancellation) => StartAsync(cancellation, "restart after exit");

    /// <summary>What to do now that the app exited on its own.</summary>
    public RestartDecision OnExited()
    {
        var app = App!;
        App = null;
        return _policy.OnExit(app.Exited.Result, DateTimeOffset.UtcNow - app.StartedAt);
    }

    /// <summary>Stops the app (if running); returns how long stopping took.</summary>
    public async Task<TimeSpan> StopAppAsync()
    {
        if (App is not { } app)
        {
            return TimeSpan.Zero;
        }

        _console.Event("stopping", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var outcome = await GracefulStopper.StopAsync(app, _options.Stop).ConfigureAwait(false);
        App = null;
        _console.Event("stopped", outcome.Graceful ? "graceful" : "killed");
        if (!outcome.Graceful)
        {
            _console.Say($"the app (pid {app.Id}) did not exit within {WatchConsole.Seconds(_options.Stop.Grace)} of {_options.Stop.Signal}; killed {outcome.Killed} process(es)");
        }

        ReportSurvivors(outcome);
        return outcome.Duration;
    }

    /// <summary>Stops the app and removes the record and slots; the host is about to exit.</summary>
    public async Task ShutdownAsync()
    {
        await StopAppAsync().ConfigureAwait(false);
        if (_slot is not null)
        {
            OutputSlots.Discard(_slot);
        }

        try
        {
            File.Delete(_options.RecordFile);
        }
        catch (IOException)
        {
            // Nothing to clean up next time but a record of no app.
        }
    }

    private async Task StartAsync(CancellationToken cancellation, string phases)
    {
        var startInfo = _startInfo!;
        var endpoints = Endpoints(startInfo);
        var clock = Stopwatch.StartNew();
        var busy = await PortProbe.WaitUntilFreeAsync(endpoints, _options.PortFreeTimeout, cancellation).ConfigureAwait(false);
        foreach (var endpoint in busy)
        {
            _console.Report(Descriptors.IW2101.Create(endpoint, _options.PortFreeTimeout.TotalSeconds));
        }

        TimeSpan portWait = clock.Elapsed;
        var app = ChildProcess.Start(startInfo);
        App = app;
        AppRecord.For(app).Save(_options.RecordFile);
        _console.Event("started", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var readiness = await ReadinessProbe.WaitAsync(app, _options.ReadyUrl, endpoints, _options.ReadyTimeout, cancellation).ConfigureAwait(false);
        TimeSpan start = clock.Elapsed - portWait;
        string timing = $"({phases}, port {WatchConsole.Seconds(portWait)}, start {WatchConsole.Seconds(start)})";
        switch (readiness)
        {
            case ReadinessOutcome.Ready:
            case ReadinessOutcome.Started:
                _console.Event("ready", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                _console.Say($"{(readiness == ReadinessOutcome.Ready ? "ready" : "started")}: pid {app.Id} {timing}");
                break;
            case ReadinessOutcome.TimedOut:
                _console.Report(Descriptors.IW2102.Create(_options.ReadyUrl?.ToString() ?? string.Join(", ", endpoints), _options.ReadyTimeout.TotalSeconds));
                break;
            case ReadinessOutcome.Exited:
                break;
        }
    }

    private ChildStartInfo StartInfoFor(WatchInfo info, OutputSlot slot)
    {
        LaunchProfile? profile = _options.NoLaunchProfile ? null : LaunchProfile.Read(info.LaunchSettingsFile, _options.LaunchProfile);
        var environment = ChildStartInfo.InheritedEnvironment();

        if (profile is not null)
        {
            environment["DOTNET_LAUNCH_PROFILE"] = profile.Name;
            if (profile.ApplicationUrl is { Length: > 0 } urls)
            {
                environment["ASPNETCORE_URLS"] = urls;
            }

            foreach (var (key, value) in profile.Environment)
            {
                environment[key] = value;
            }
        }

        var arguments = CommandLine.Split(slot.Map(info.RunArguments)).ToList();
        arguments.AddRange(_options.AppArguments.Count > 0 ? _options.AppArguments : CommandLine.Split(profile?.CommandLineArgs));
        string workingDirectory = info.RunWorkingDirectory.Length > 0 ? slot.Map(info.RunWorkingDirectory) : _options.WorkingDirectory;
        if (_console.Sink.BelowTerminalLogger)
        {
            // The app's output comes through a pipe to keep the terminal logger's status line
            // intact; ask .NET apps to keep their colors all the same, unless the user said otherwise.
            environment.TryAdd("DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION", "1");
            return new ChildStartInfo(slot.Map(info.RunCommand), arguments, workingDirectory, environment) { Sink = _console.Sink, Name = "app" };
        }

        return new ChildStartInfo(slot.Map(info.RunCommand), arguments, workingDirectory, environment) { Name = "app" };
    }

    private IReadOnlyList<IPEndPoint> Endpoints(ChildStartInfo startInfo)
    {
        var urls = new List<string>();
        foreach (string name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "ASPNETCORE_HTTP_PORTS" })
        {
            if (startInfo.Environment.TryGetValue(name, out string? value) && value.Length > 0)
            {
                urls.Add(name == "ASPNETCORE_HTTP_PORTS" ? string.Join(';', value.Split(';').Select(p => $"http://127.0.0.1:{p.Trim()}")) : value);
            }
        }

        int urlsArg = startInfo.Arguments.ToList().IndexOf("--urls");
        if (urlsArg >= 0 && urlsArg + 1 < startInfo.Arguments.Count)
        {
            urls.Add(startInfo.Arguments[urlsArg + 1]);
        }

        return PortProbe.EndpointsOf(urls);
    }

    private void ReportSurvivors(StopOutcome outcome)
    {
        if (outcome.Survivors.Count > 0)
        {
            _console.Report(Descriptors.IW2104.Create(string.Join(", ", outcome.Survivors)));
        }
    }
}
