using System.Diagnostics;
using System.Net;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Terminal;
using IncrementalWatch.Host.Web;

namespace IncrementalWatch.Host.Apps;

/// <summary>
/// Owns the running app instance: starts it from a run slot as dotnet run would, replaces it
/// after a good build, restarts it with backoff when it crashes, and stops it for good at the end.
/// <para>
/// An ASP.NET Core app on plain-HTTP loopback URLs gets a <see cref="FrontDoor"/> on its ports,
/// and each instance a private port: a replacement starts the new instance beside the old one,
/// switches requests to it once it is ready, lets the old one finish its requests and then stops
/// it ("overlap"). Any other app is replaced stop-then-start (old app stopped gracefully, port
/// free, new app started, readiness awaited), and so is an app whose new instance exited while
/// the old one ran (it may need a lock the old one holds), for the rest of the watch.
/// </para>
/// </summary>
public sealed class AppRunner : IAppSupervisor
{
    private readonly AppOptions _options;
    private readonly WatchConsole _console;
    private readonly OutputSlots _slots;
    private readonly RestartPolicy _policy = new();
    private OutputSlot? _slot;
    private ChildStartInfo? _startInfo;
    private FrontDoor? _door;
    private bool _modeChosen;
    private bool _overlap;
    private Backend? _backend;

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

            if (record.OldAlive && !OperatingSystem.IsWindows())
            {
                // Killed while a new instance started beside the old one: both were left.
                var oldOutcome = await GracefulStopper.StopLeftoverAsync(record.OldPid, record.OldGroup, _options.Stop).ConfigureAwait(false);
                _console.Report(Descriptors.IW1101.Create(record.OldPid));
                ReportSurvivors(oldOutcome);
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
        await ChooseModeAsync(info, startInfo, cancellation).ConfigureAwait(false);
        var oldSlot = _slot;
        _slot = slot;
        _startInfo = startInfo;
        _policy.Reset();
        if (_door is not null && _overlap && App is { HasExited: false } old)
        {
            await OverlapAsync(old, cancellation, $"copy {WatchConsole.Seconds(prepare)}").ConfigureAwait(false);
        }
        else
        {
            TimeSpan stop = await StopAppAsync().ConfigureAwait(false);
            await StartAsync(cancellation, $"copy {WatchConsole.Seconds(prepare)}, stop {WatchConsole.Seconds(stop)}").ConfigureAwait(false);
        }

        if (oldSlot is not null && oldSlot != slot)
        {
            OutputSlots.Discard(oldSlot);
        }

        return true;
    }

    /// <summary>The front door's browser side, when the app has one.</summary>
    public BrowserHub? Browser => _door?.Browser;

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

        _door?.Hold();
        _backend = null;
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
        if (_door is not null)
        {
            await _door.DisposeAsync().ConfigureAwait(false);
            _door = null;
        }

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
        var clock = Stopwatch.StartNew();
        TimeSpan portWait = TimeSpan.Zero;
        if (_door is null)
        {
            var busy = await PortProbe.WaitUntilFreeAsync(Endpoints(_startInfo!), _options.PortFreeTimeout, cancellation).ConfigureAwait(false);
            foreach (var endpoint in busy)
            {
                _console.Report(Descriptors.IW2101.Create(endpoint, _options.PortFreeTimeout.TotalSeconds));
            }

            portWait = clock.Elapsed;
        }

        var (app, readiness) = await StartInstanceAsync(cancellation).ConfigureAwait(false);
        if (_door is not null && readiness is ReadinessOutcome.Ready or ReadinessOutcome.Started or ReadinessOutcome.TimedOut)
        {
            _door.SwitchTo(_backend!);
            await _door.Browser.ReloadAsync().ConfigureAwait(false);
        }

        SayStarted(app, readiness, $"({phases}, port {WatchConsole.Seconds(portWait)}, start {WatchConsole.Seconds(clock.Elapsed - portWait)})");
    }

    /// <summary>
    /// Starts the new instance beside <paramref name="old"/>; once it is ready, requests go to it,
    /// the old one finishes what it was serving and is stopped. A new instance that exits before
    /// it is ready is started again after the old one stops, and the app leaves overlap for good.
    /// </summary>
    private async Task OverlapAsync(ChildProcess old, CancellationToken cancellation, string phases)
    {
        var clock = Stopwatch.StartNew();
        var oldBackend = _backend;
        var (app, readiness) = await StartInstanceAsync(cancellation, beside: old).ConfigureAwait(false);
        if (readiness == ReadinessOutcome.Exited)
        {
            _overlap = false;
            _console.Say($"the new instance (pid {app.Id}) exited with code {app.Exited.Result} while the old one (pid {old.Id}) still ran: it may need something the old one holds (a file lock, a single-instance mutex, a port). Starting it again after stopping the old one; this app restarts stop-then-start for the rest of this watch");
            _console.Event("overlap-off", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            App = old;
            _backend = oldBackend;
            TimeSpan stopped = await StopAppAsync().ConfigureAwait(false);
            await StartAsync(cancellation, $"{phases}, stop {WatchConsole.Seconds(stopped)}").ConfigureAwait(false);
            return;
        }

        TimeSpan start = clock.Elapsed;
        _door!.SwitchTo(_backend!);
        await _door.Browser.ReloadAsync().ConfigureAwait(false);
        SayStarted(app, readiness, $"({phases}, start beside the old one {WatchConsole.Seconds(start)})");

        // The old instance gets no new requests; let the ones it has finish, then stop it.
        bool drained = oldBackend is null || await oldBackend.DrainAsync(_options.Stop.Grace).ConfigureAwait(false);
        _console.Event("stopping", old.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var outcome = await GracefulStopper.StopAsync(old, _options.Stop).ConfigureAwait(false);
        _console.Event("stopped", outcome.Graceful ? "graceful" : "killed");
        AppRecord.For(app).Save(_options.RecordFile);
        if (!drained)
        {
            _console.Say($"the old instance (pid {old.Id}) still had {oldBackend!.InFlight} request(s) or WebSocket(s) open after {WatchConsole.Seconds(_options.Stop.Grace)}; stopped it all the same");
        }

        if (!outcome.Graceful)
        {
            _console.Say($"the old instance (pid {old.Id}) did not exit within {WatchConsole.Seconds(_options.Stop.Grace)} of {_options.Stop.Signal}; killed {outcome.Killed} process(es)");
        }

        ReportSurvivors(outcome);
    }

    /// <summary>Starts one instance (behind the front door on a private port when there is one) and waits until it is ready.</summary>
    private async Task<(ChildProcess App, ReadinessOutcome Readiness)> StartInstanceAsync(CancellationToken cancellation, ChildProcess? beside = null)
    {
        var startInfo = _startInfo!;
        Backend? backend = null;
        int port = 0;
        if (_door is not null)
        {
            port = FrontDoor.FreePort();
            var environment = new Dictionary<string, string>(startInfo.Environment);
            foreach (string name in UrlVariables)
            {
                environment.Remove(name);
            }

            environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            startInfo = startInfo with { Environment = environment };
        }

        var app = ChildProcess.Start(startInfo);
        if (_door is not null)
        {
            backend = new Backend(port, app.Id);
        }

        App = app;
        (beside is null ? AppRecord.For(app) : AppRecord.For(app, beside)).Save(_options.RecordFile);
        _console.Event("started", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var endpoints = backend is not null ? [backend.Endpoint] : Endpoints(startInfo);
        Uri? readyUrl = _options.ReadyUrl;
        if (backend is not null && readyUrl is not null)
        {
            readyUrl = new UriBuilder(readyUrl) { Host = "127.0.0.1", Port = backend.Endpoint.Port }.Uri;
        }

        var readiness = await ReadinessProbe.WaitAsync(app, readyUrl, endpoints, _options.ReadyTimeout, cancellation).ConfigureAwait(false);
        if (backend is not null)
        {
            _backend = backend;
        }

        return (app, readiness);
    }

    private void SayStarted(ChildProcess app, ReadinessOutcome readiness, string timing)
    {
        switch (readiness)
        {
            case ReadinessOutcome.Ready:
            case ReadinessOutcome.Started:
                _console.Event("ready", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                _console.Say($"{(readiness == ReadinessOutcome.Ready ? "ready" : "started")}: pid {app.Id} {timing}");
                break;
            case ReadinessOutcome.TimedOut:
                _console.Report(Descriptors.IW2102.Create(_options.ReadyUrl?.ToString() ?? string.Join(", ", _backend is not null ? [_backend.Endpoint] : Endpoints(_startInfo!)), _options.ReadyTimeout.TotalSeconds));
                break;
            case ReadinessOutcome.Exited:
                break;
        }
    }

    /// <summary>The variables that tell ASP.NET Core where to listen; an instance behind the front door gets only its private URL.</summary>
    private static readonly string[] UrlVariables = ["ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS"];

    /// <summary>
    /// Once per watch: whether the app gets the front door. It needs an ASP.NET Core app
    /// (its runtimeconfig names Microsoft.AspNetCore.App) whose URLs are plain HTTP on loopback,
    /// set by the environment or launch profile (not by --urls, which would beat the private URL).
    /// </summary>
    private async Task ChooseModeAsync(WatchInfo info, ChildStartInfo startInfo, CancellationToken cancellation)
    {
        if (_modeChosen)
        {
            return;
        }

        _modeChosen = true;
        string? why = FrontDoorRefusal(info, startInfo, out var urls);
        if (why is null)
        {
            var endpoints = PortProbe.EndpointsOf(urls);
            await PortProbe.WaitUntilFreeAsync(endpoints, _options.PortFreeTimeout, cancellation).ConfigureAwait(false);
            try
            {
                _door = await FrontDoor.StartAsync(endpoints, cancellation).ConfigureAwait(false);
                _overlap = true;
                _door.InjectScript = _options.BrowserRefresh && IsDevelopment(startInfo);
                _console.Say($"restarts: each new instance starts beside the old one, behind a front door on {string.Join(", ", urls)} that holds requests and never refuses them{(_door.InjectScript ? "; pages get the refresh script" : "")}");
                return;
            }
            catch (IOException ex)
            {
                why = $"its port is taken ({ex.Message})";
            }
        }

        if (why.Length > 0)
        {
            _console.Say($"restarts: stop, then start ({why})");
        }
    }

    /// <summary>Why the app cannot have the front door; null when it can (with its URLs), "" when nothing needs saying (not a web app).</summary>
    private string? FrontDoorRefusal(WatchInfo info, ChildStartInfo startInfo, out List<string> urls)
    {
        urls = [];
        if (!IsAspNetCore(info))
        {
            return "";
        }

        if (!_options.FrontDoor)
        {
            return "IncrementalWatchFrontDoor=false";
        }

        if (startInfo.Arguments.Any(a => a.Equals("--urls", StringComparison.OrdinalIgnoreCase) || a.StartsWith("--urls=", StringComparison.OrdinalIgnoreCase)))
        {
            return "the app is given --urls";
        }

        // Kestrel speaks cleartext HTTP/2 (h2c) only on an HTTP/2-only endpoint, which the front
        // door, serving HTTP/1.1 as well, is not; such an app (gRPC without TLS) keeps its port.
        if (new[] { "ASPNETCORE_Kestrel__EndpointDefaults__Protocols", "Kestrel__EndpointDefaults__Protocols", "DOTNET_Kestrel__EndpointDefaults__Protocols" }
            .Any(name => startInfo.Environment.TryGetValue(name, out string? protocols) && protocols.Trim().Equals("Http2", StringComparison.OrdinalIgnoreCase)))
        {
            return "the app serves HTTP/2 only, which over plain HTTP the front door does not";
        }

        // The URLs the app would use, by ASP.NET Core's precedence: the first variable that is set.
        string? configured = EnvironmentUrls(startInfo).FirstOrDefault();
        configured ??= "http://localhost:5000";
        foreach (string url in configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || !uri.IsLoopback || uri.Port == 0)
            {
                return $"its URL {url} is not plain HTTP on a loopback address with a fixed port";
            }

            urls.Add(url);
        }

        return null;
    }

    private static bool IsAspNetCore(WatchInfo info)
    {
        var args = CommandLine.Split(info.RunArguments);
        string? assembly = args.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        string program = assembly ?? info.RunCommand;
        string config = Path.Combine(Path.GetDirectoryName(program) ?? info.TargetDirectory, Path.GetFileNameWithoutExtension(program) + ".runtimeconfig.json");
        try
        {
            return File.Exists(config) && File.ReadAllText(config).Contains("\"Microsoft.AspNetCore.App\"", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool IsDevelopment(ChildStartInfo startInfo)
    {
        string? environment = startInfo.Environment.GetValueOrDefault("ASPNETCORE_ENVIRONMENT") ?? startInfo.Environment.GetValueOrDefault("DOTNET_ENVIRONMENT");
        return string.Equals(environment, "Development", StringComparison.OrdinalIgnoreCase);
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
        // Every variable that names a URL (not only the one ASP.NET Core would use): the port wait
        // errs on the side of waiting.
        var urls = EnvironmentUrls(startInfo).ToList();
        int urlsArg = startInfo.Arguments.ToList().IndexOf("--urls");
        if (urlsArg >= 0 && urlsArg + 1 < startInfo.Arguments.Count)
        {
            urls.Add(startInfo.Arguments[urlsArg + 1]);
        }

        return PortProbe.EndpointsOf(urls);
    }

    /// <summary>The URL lists the app's environment sets, in ASP.NET Core's order of precedence (HTTP_PORTS as localhost URLs).</summary>
    private static IEnumerable<string> EnvironmentUrls(ChildStartInfo startInfo)
    {
        foreach (string name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "ASPNETCORE_HTTP_PORTS" })
        {
            if (startInfo.Environment.TryGetValue(name, out string? value) && value.Length > 0)
            {
                yield return name == "ASPNETCORE_HTTP_PORTS"
                    ? string.Join(';', value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://localhost:{p}"))
                    : value;
            }
        }
    }

    private void ReportSurvivors(StopOutcome outcome)
    {
        if (outcome.Survivors.Count > 0)
        {
            _console.Report(Descriptors.IW2104.Create(string.Join(", ", outcome.Survivors)));
        }
    }
}
