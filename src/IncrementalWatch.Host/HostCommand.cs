using System.CommandLine;
using System.Globalization;
using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Watch;

namespace IncrementalWatch.Host;

/// <summary>
/// The host's command line, as the tasks write it: `watch` (the restart host the Watch target
/// starts) and `verify` (the verifier the VerifyCacheInvalidation target starts).
/// </summary>
internal static class HostCommand
{
    private static readonly Option<string> Request = new("--request") { Required = true, Description = "The verification request the task wrote (JSON)." };
    private static readonly Option<string> Results = new("--results") { Required = true, Description = "Where to write the results for the task (JSON)." };

    private static readonly Option<string> Project = new("--project") { Required = true, Description = "The project file to build and run." };
    private static readonly Option<string> State = new("--state") { Required = true, Description = "The state folder (obj/IncrementalWatch)." };
    private static readonly Option<string> Dotnet = new("--dotnet") { Description = "The dotnet executable.", DefaultValueFactory = _ => "dotnet" };
    private static readonly Option<string> WorkingDirectory = new("--working-directory") { Description = "Where the watch was started." };
    private static readonly Option<string[]> Property = new("--property") { Description = "A global property for rebuilds (Name=Value).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string> LaunchProfile = new("--launch-profile") { Description = "The launchSettings.json profile to use." };
    private static readonly Option<bool> NoLaunchProfile = new("--no-launch-profile") { Description = "Ignore launchSettings.json." };
    private static readonly Option<string[]> AppArgument = new("--app-arg") { Description = "An argument for the app." };
    private static readonly Option<string> Signal = new("--stop-signal") { Description = "The signal that asks the app to stop.", DefaultValueFactory = _ => "SIGTERM" };
    private static readonly Option<int> Grace = new("--stop-grace-ms") { Description = "How long the app may drain before it is killed.", DefaultValueFactory = _ => 5000 };
    private static readonly Option<string> ReadyUrl = new("--ready-url") { Description = "Wait until this URL answers before saying ready." };
    private static readonly Option<int> ReadyTimeout = new("--ready-timeout-ms") { DefaultValueFactory = _ => 60000 };
    private static readonly Option<bool> Polling = new("--polling") { Description = "Poll every watched folder instead of using file-system events." };
    private static readonly Option<bool> NoPolling = new("--no-polling") { Description = "Use file-system events everywhere, even on file systems known to deliver none." };
    private static readonly Option<int> PollInterval = new("--poll-ms") { DefaultValueFactory = _ => 1000 };
    private static readonly Option<int> Reconcile = new("--reconcile-ms") { DefaultValueFactory = _ => 5000 };
    private static readonly Option<int> ReconcileMax = new("--reconcile-max-ms") { DefaultValueFactory = _ => 60000 };
    private static readonly Option<int> Debounce = new("--debounce-ms") { DefaultValueFactory = _ => 100 };
    private static readonly Option<string> Events = new("--events") { Description = "Append time-stamped events to this file." };
    private static readonly Option<bool> BelowTerminalLogger = new("--below-terminal-logger") { Description = "Keep MSBuild's terminal-logger status line intact: the app's and the rebuilds' output come through the host." };
    private static readonly Option<bool> NoFrontDoor = new("--no-front-door") { Description = "Restart a web app stop-then-start, without the front door on its ports." };
    private static readonly Option<bool> NoBrowserRefresh = new("--no-browser-refresh") { Description = "Do not add the refresh script to the app's HTML pages." };
    private static readonly Option<string> MSBuildFolder = new("--msbuild-folder") { Description = "The folder of the MSBuild that runs the Watch build (for warm rebuilds)." };
    private static readonly Option<string> MSBuildRuntime = new("--msbuild-runtime") { Description = "The version of the runtime that MSBuild runs on." };
    private static readonly Option<bool> NoWarmBuild = new("--no-warm-build") { Description = "Start a dotnet msbuild process for each rebuild instead of keeping MSBuild loaded." };
    private static readonly Option<bool> StopOnStdinEof = new("--stop-on-stdin-eof") { Description = "Stop when stdin closes (the Watch task holds it open)." };

    public static Command Watch { get; } = new("watch", "Rebuild on change and restart the app gracefully.")
    {
        Project, State, Dotnet, WorkingDirectory, Property, LaunchProfile, NoLaunchProfile, AppArgument, Signal, Grace,
        ReadyUrl, ReadyTimeout, Polling, PollInterval, Reconcile, ReconcileMax, Debounce, Events, BelowTerminalLogger, StopOnStdinEof,
        NoFrontDoor, NoBrowserRefresh, MSBuildFolder, MSBuildRuntime, NoWarmBuild, NoPolling,
    };

    public static Command Verify { get; } = new("verify", "Verify that the build's caches invalidate correctly, as the request says.")
    {
        Request, Results,
    };

    public static RootCommand Root { get; } = new("IncrementalWatch host: the restart host (watch) and the cache verifier (verify).")
    {
        Watch, Verify,
    };

    /// <summary>What the command line asks for, or the errors when it is wrong.</summary>
    public static HostInvocation Parse(string[] args)
    {
        ParseResult result = Root.Parse(args);
        var errors = result.Errors.Select(e => e.Message).ToList();
        if (errors.Count == 0 && result.CommandResult.Command == Verify)
        {
            return new HostInvocation.RunVerify(Path.GetFullPath(result.GetValue(Request)!), Path.GetFullPath(result.GetValue(Results)!));
        }

        if (errors.Count == 0 && result.CommandResult.Command != Watch)
        {
            errors.Add("name a command: watch or verify.");
        }

        return errors.Count > 0 ? new HostInvocation.Invalid(errors) : ParseWatch(result);
    }

    private static HostInvocation ParseWatch(ParseResult result)
    {
        var errors = new List<string>();

        if (!StopSignal.TryParse(result.GetValue(Signal), out StopSignal signal))
        {
            errors.Add($"--stop-signal: '{result.GetValue(Signal)}' is not a signal name (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGKILL) or number.");
        }

        Uri? readyUrl = null;
        string? ready = result.GetValue(ReadyUrl);
        if (!string.IsNullOrEmpty(ready) && !Uri.TryCreate(ready, UriKind.Absolute, out readyUrl))
        {
            errors.Add($"--ready-url: '{ready}' is not an absolute URL.");
        }

        foreach (var (option, minimum) in new[] { (Grace, 0), (ReadyTimeout, 1), (PollInterval, 50), (Reconcile, 0), (ReconcileMax, 0), (Debounce, 0) })
        {
            if (result.GetValue(option) < minimum)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{option.Name}: {result.GetValue(option)} is below the minimum of {minimum}."));
            }
        }

        if (errors.Count > 0)
        {
            return new HostInvocation.Invalid(errors);
        }

        string project = Path.GetFullPath(result.GetValue(Project)!);
        string state = Path.GetFullPath(result.GetValue(State)!);
        string workingDirectory = Path.GetFullPath(result.GetValue(WorkingDirectory) is { Length: > 0 } wd ? wd : Environment.CurrentDirectory);
        var options = new WatchOptions
        {
            ProjectFile = project,
            StateDirectory = state,
            DotnetPath = result.GetValue(Dotnet)!,
            WorkingDirectory = workingDirectory,
            BuildProperties = result.GetValue(Property) ?? Array.Empty<string>(),
            App = new AppOptions
            {
                ProjectFile = project,
                StateDirectory = state,
                WorkingDirectory = workingDirectory,
                LaunchProfile = result.GetValue(LaunchProfile),
                NoLaunchProfile = result.GetValue(NoLaunchProfile),
                AppArguments = result.GetValue(AppArgument) ?? Array.Empty<string>(),
                Stop = StopOptions.Default with { Signal = signal, Grace = TimeSpan.FromMilliseconds(result.GetValue(Grace)) },
                ReadyUrl = readyUrl,
                ReadyTimeout = TimeSpan.FromMilliseconds(result.GetValue(ReadyTimeout)),
                FrontDoor = !result.GetValue(NoFrontDoor),
                BrowserRefresh = !result.GetValue(NoBrowserRefresh),
            },
            Polling = result.GetValue(Polling) || Environment.GetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER") is "1" or "true",
            NeverPoll = result.GetValue(NoPolling),
            PollInterval = TimeSpan.FromMilliseconds(result.GetValue(PollInterval)),
            ReconcileInterval = result.GetValue(Reconcile) == 0 ? TimeSpan.FromDays(1) : TimeSpan.FromMilliseconds(result.GetValue(Reconcile)),
            ReconcileMaxInterval = result.GetValue(Reconcile) == 0 ? TimeSpan.FromDays(1) : TimeSpan.FromMilliseconds(Math.Max(result.GetValue(Reconcile), result.GetValue(ReconcileMax))),
            Debounce = TimeSpan.FromMilliseconds(result.GetValue(Debounce)),
            EventsFile = result.GetValue(Events),
            BelowTerminalLogger = result.GetValue(BelowTerminalLogger),
            MSBuildFolder = result.GetValue(MSBuildFolder),
            MSBuildRuntime = result.GetValue(MSBuildRuntime),
            WarmBuild = !result.GetValue(NoWarmBuild),
        };
        return new HostInvocation.RunWatch(options, result.GetValue(StopOnStdinEof));
    }
}

/// <summary>What the host was asked to do.</summary>
internal abstract record HostInvocation
{
    private HostInvocation()
    {
    }

    public sealed record RunWatch(WatchOptions Options, bool StopOnStdinEof) : HostInvocation;

    public sealed record RunVerify(string RequestFile, string ResultsFile) : HostInvocation;

    public sealed record Invalid(IReadOnlyList<string> Errors) : HostInvocation;
}
