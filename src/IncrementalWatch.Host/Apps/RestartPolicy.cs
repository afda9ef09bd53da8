namespace IncrementalWatch.Host.Apps;

/// <summary>What to do after the app exited on its own.</summary>
/// <param name="Restart">Restart without waiting for a change.</param>
/// <param name="Delay">How long to wait first (backoff).</param>
/// <param name="Reason">Said to the user.</param>
public sealed record RestartDecision(bool Restart, TimeSpan Delay, string Reason);

/// <summary>
/// Keeps a crashing app from being restarted in a tight loop. An app that ends with exit code 0
/// has finished (a console app): the host waits for a change. An app that fails is restarted
/// after a delay that doubles with each quick failure (1 s, 2 s, 4 s ... 30 s); after
/// <see cref="MaxQuickFailures"/> failures in a row that each came within
/// <see cref="QuickFailure"/> of starting, the host stops restarting and waits for a change.
/// A change (a successful rebuild) resets the count.
/// </summary>
public sealed class RestartPolicy
{
    public static readonly TimeSpan QuickFailure = TimeSpan.FromSeconds(10);
    public const int MaxQuickFailures = 5;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private int _quickFailures;

    public RestartDecision OnExit(int exitCode, TimeSpan ranFor)
    {
        if (exitCode == 0)
        {
            _quickFailures = 0;
            return new RestartDecision(false, TimeSpan.Zero, "the app exited with code 0; waiting for a change");
        }

        if (ranFor >= QuickFailure)
        {
            _quickFailures = 0;
        }

        _quickFailures++;
        if (_quickFailures > MaxQuickFailures)
        {
            return new RestartDecision(false, TimeSpan.Zero, $"the app failed {MaxQuickFailures} times in a row soon after starting; waiting for a change");
        }

        var delay = TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, _quickFailures - 1)));
        return new RestartDecision(true, delay, $"the app exited with code {exitCode}; restarting in {delay.TotalSeconds:0} s");
    }

    /// <summary>A new build replaces the app: failures of the old one no longer count.</summary>
    public void Reset() => _quickFailures = 0;
}
