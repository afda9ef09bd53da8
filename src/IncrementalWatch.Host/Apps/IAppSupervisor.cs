using IncrementalWatch.Contracts;

namespace IncrementalWatch.Host.Apps;

/// <summary>What the watch loop asks of the app's supervisor (an <see cref="AppRunner"/>, or a stand-in in tests).</summary>
public interface IAppSupervisor
{
    /// <summary>Completes with the exit code when the running app exits on its own; null when none runs.</summary>
    Task<int>? Exited { get; }

    bool IsRunning { get; }

    /// <summary>Stops what a killed host left behind. False when another host is alive.</summary>
    Task<bool> CleanUpAfterEarlierHostAsync();

    /// <summary>Puts a good build's output in place; false when it did not differ and the app runs on (unless <paramref name="force"/>).</summary>
    /// <exception cref="InvalidDataException">The launch settings cannot be used.</exception>
    /// <exception cref="InvalidOperationException">The app cannot be started.</exception>
    Task<bool> ReplaceAsync(WatchInfo info, bool force, CancellationToken cancellation);

    /// <summary>The app exited on its own: whether and when to start it again.</summary>
    RestartDecision OnExited();

    Task RestartAsync(CancellationToken cancellation);

    /// <summary>The open pages of a web app behind the front door; null when there are none to tell.</summary>
    Web.BrowserHub? Browser { get; }

    /// <summary>Stops the app for good; the host is about to exit.</summary>
    Task ShutdownAsync();
}
