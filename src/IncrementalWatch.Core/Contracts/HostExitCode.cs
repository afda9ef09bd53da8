namespace IncrementalWatch.Contracts;

/// <summary>The restart host's exit codes.</summary>
public enum HostExitCode
{
    /// <summary>Stopped on request (Ctrl+C, SIGTERM, MSBuild cancellation, the build process gone); the app was stopped.</summary>
    Stopped = 0,

    /// <summary>The host's command line was wrong.</summary>
    InvalidArguments = 2,

    /// <summary>The project cannot be run (no RunCommand) or its launch settings are invalid.</summary>
    NotRunnable = 3,

    /// <summary>Another host is already watching this project.</summary>
    AlreadyRunning = 4,

    /// <summary>The host itself failed; the message says why. The app was stopped.</summary>
    Failed = 5,
}
