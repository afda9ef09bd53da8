using IncrementalWatch.Host.Processes;

namespace IncrementalWatch.Host.Apps;

/// <summary>How the app supervisor starts, probes and stops the app (the app's part of the watch options).</summary>
public sealed record AppOptions
{
    public required string ProjectFile { get; init; }

    /// <summary>obj/IncrementalWatch/: the app record and the run slots live here.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The app's directory unless the project's RunWorkingDirectory says otherwise.</summary>
    public required string WorkingDirectory { get; init; }

    public string? LaunchProfile { get; init; }

    public bool NoLaunchProfile { get; init; }

    /// <summary>Arguments for the app; when given, the profile's commandLineArgs are not used (as dotnet run does).</summary>
    public IReadOnlyList<string> AppArguments { get; init; } = Array.Empty<string>();

    public StopOptions Stop { get; init; } = StopOptions.Default;

    public Uri? ReadyUrl { get; init; }

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether an ASP.NET Core app gets the front door (<see cref="Web.FrontDoor"/>): the host
    /// holds its ports and a restart starts the new instance before the old one stops.
    /// </summary>
    public bool FrontDoor { get; init; } = true;

    /// <summary>Whether pages served in Development get the refresh script (needs the front door).</summary>
    public bool BrowserRefresh { get; init; } = true;

    public TimeSpan PortFreeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The record of the running app (pid, group, start time), so a host killed hard leaves nothing behind.</summary>
    public string RecordFile => Path.Combine(StateDirectory, "app.pid");

    /// <summary>The private copies of the build output the app instances run from.</summary>
    public string SlotsDirectory => Path.Combine(StateDirectory, "run");
}
