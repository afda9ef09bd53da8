using System.Globalization;
using System.Runtime.InteropServices;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using Microsoft.Build.Framework;

namespace IncrementalWatch.Tasks;

/// <summary>
/// Runs the restart host for the Watch target and waits for it. The host writes straight to
/// the console, as dotnet run's app does. Cancellation (Ctrl+C, a canceled build) closes the
/// host's stdin, which the host takes as "stop gracefully"; a host that does not finish in
/// time is killed with everything below it.
/// </summary>
public sealed class RunWatchHost : IncrementalWatchTask, ICancelableTask
{
    private static readonly string[] IgnoredGlobalProperties = { "MSBuildRestoreSessionId", "MSBuildIsRestoring", "ExcludeRestorePackageImports" };
    private readonly CancellationTokenSource _cancel = new();

    [Required]
    public string HostAssembly { get; set; } = "";

    [Required]
    public string ProjectFile { get; set; } = "";

    [Required]
    public string StateDirectory { get; set; } = "";

    public string DotnetPath { get; set; } = "";

    public string WorkingDirectory { get; set; } = "";

    public string RunCommand { get; set; } = "";

    public string LaunchProfile { get; set; } = "";

    public bool NoLaunchProfile { get; set; }

    /// <summary>Arguments for the app, as one command-line string.</summary>
    public string Arguments { get; set; } = "";

    public string StopSignal { get; set; } = "SIGTERM";

    public string GracePeriodMs { get; set; } = "5000";

    public string ReadyUrl { get; set; } = "";

    /// <summary>"true": poll every folder; "false": events everywhere; empty: poll only folders on file systems without events.</summary>
    public string UsePolling { get; set; } = "";

    /// <summary>False: a web app restarts stop-then-start, without the front door on its ports.</summary>
    public bool FrontDoor { get; set; } = true;

    /// <summary>False: no refresh script in the app's HTML pages.</summary>
    public bool BrowserRefresh { get; set; } = true;

    public string DebounceMs { get; set; } = "100";

    /// <summary>False: each rebuild is a `dotnet msbuild` process instead of a build in the warm worker.</summary>
    public bool WarmBuild { get; set; } = true;

    /// <summary>The folder of the MSBuild running this build ($(MSBuildBinPath)), which the warm worker loads.</summary>
    public string MSBuildFolder { get; set; } = "";

    public string EventsFile { get; set; } = "";

    public void Cancel() => _cancel.Cancel();

    protected override void ExecuteCore()
    {
        if (string.IsNullOrEmpty(RunCommand))
        {
            Report(Descriptors.IW3102.CreateForFile(ProjectFile, ProjectFile));
            return;
        }

        if (!Validate())
        {
            return;
        }

        // Cancelled (Ctrl+C, a cancelled build): EOF on stdin asks the host to stop the app
        // gracefully and exit; it is given the app's grace period and some more.
        using var host = HostProcess.Start(DotnetPath, HostAssembly, HostArguments(), WorkingDirectory.Length > 0 ? WorkingDirectory : Environment.CurrentDirectory);
        var stopGrace = TimeSpan.FromMilliseconds(int.Parse(GracePeriodMs, CultureInfo.InvariantCulture) + 15_000);

        // SIGTERM to the build (kill, a process supervisor, docker stop) stops the host as Ctrl+C
        // does, and the build ends successfully rather than being terminated half way.
        using var sigterm = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            host.CloseInput();
        });
        int? exitCode = host.WaitForExit(_cancel.Token, stopGrace);
        if (exitCode is int code && code != 0)
        {
            Report(Descriptors.IW3106.Create(string.Create(CultureInfo.InvariantCulture, $"the host exited with code {code}; see the lines above")));
        }
    }

    private IEnumerable<string> HostArguments()
    {
        yield return "watch";
        foreach (var (option, value) in new[]
        {
            ("--project", ProjectFile), ("--state", StateDirectory), ("--dotnet", DotnetPath), ("--working-directory", WorkingDirectory),
            ("--launch-profile", LaunchProfile), ("--stop-signal", StopSignal), ("--stop-grace-ms", GracePeriodMs),
            ("--ready-url", ReadyUrl), ("--debounce-ms", DebounceMs), ("--events", EventsFile),
            ("--msbuild-folder", MSBuildFolder),
        })
        {
            if (value.Length > 0)
            {
                yield return option;
                yield return value;
            }
        }

        foreach (string property in GlobalProperties())
        {
            yield return "--property";
            yield return property;
        }

        foreach (string arg in CommandLine.Split(Arguments))
        {
            yield return "--app-arg";
            yield return arg;
        }

        if (NoLaunchProfile)
        {
            yield return "--no-launch-profile";
        }

        // MSBuild sets this for the processes a build starts while its terminal logger is on.
        if (Environment.GetEnvironmentVariable("_MSBUILDTLENABLED") == "1")
        {
            yield return "--below-terminal-logger";
        }

        if (string.Equals(UsePolling, "true", StringComparison.OrdinalIgnoreCase))
        {
            yield return "--polling";
        }
        else if (string.Equals(UsePolling, "false", StringComparison.OrdinalIgnoreCase))
        {
            yield return "--no-polling";
        }

        if (!FrontDoor)
        {
            yield return "--no-front-door";
        }

        if (!BrowserRefresh)
        {
            yield return "--no-browser-refresh";
        }

        // The worker loads this MSBuild's assemblies, so it runs on exactly this runtime. Only
        // MSBuild on .NET (dotnet build) can be loaded by it.
        if (!WarmBuild || RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
        {
            yield return "--no-warm-build";
        }
        else
        {
            yield return "--msbuild-runtime";
            yield return Environment.Version.ToString();
        }

        yield return "--stop-on-stdin-eof";
    }

    /// <summary>The Watch build's global properties (-c Release, -p:X=Y), for every rebuild.</summary>
    private IEnumerable<string> GlobalProperties() => BuildGlobalProperties(IgnoredGlobalProperties);

    private bool Validate()
    {
        bool ok = true;
        void Invalid(string property, string value, string why)
        {
            Report(Descriptors.IW3104.Create(property, value, why));
            ok = false;
        }

        if (!Contracts.StopSignal.TryParse(StopSignal, out _))
        {
            Invalid("IncrementalWatchStopSignal", StopSignal, "use a signal name (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGKILL) or number");
        }

        if (!int.TryParse(GracePeriodMs, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            Invalid("IncrementalWatchGracePeriodMs", GracePeriodMs, "use a whole number of milliseconds");
        }

        if (!int.TryParse(DebounceMs, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            Invalid("IncrementalWatchDebounceMs", DebounceMs, "use a whole number of milliseconds");
        }

        if (UsePolling.Length > 0 && !bool.TryParse(UsePolling, out _))
        {
            Invalid("IncrementalWatchUsePolling", UsePolling, "use true (poll every folder), false (events everywhere) or leave it empty (poll only folders without events)");
        }

        if (ReadyUrl.Length > 0 && !Uri.TryCreate(ReadyUrl, UriKind.Absolute, out _))
        {
            Invalid("IncrementalWatchReadyUrl", ReadyUrl, "use an absolute URL such as http://127.0.0.1:5000/health");
        }

        if (!File.Exists(HostAssembly))
        {
            Invalid("IncrementalWatchHostAssembly", HostAssembly, "the file does not exist");
        }

        return ok;
    }
}
