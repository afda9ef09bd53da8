namespace IncrementalWatch.Host.Watch;

/// <summary>
/// How long a poll (or a reconciling scan) waits before the next: <see cref="Minimum"/> right
/// after a change (the next save usually follows soon), then twice as long after each quiet
/// one, up to <see cref="Maximum"/> (so a change is still noticed within that time, plus the
/// debounce). Not thread-safe: its owner locks.
/// </summary>
public sealed class AdaptiveInterval
{
    /// <summary>The shortest wait, right after a change.</summary>
    public static readonly TimeSpan DefaultMinimum = TimeSpan.FromMilliseconds(100);

    public AdaptiveInterval(TimeSpan minimum, TimeSpan maximum)
    {
        Minimum = minimum <= maximum ? minimum : maximum;
        Maximum = maximum;
        Current = Minimum;
    }

    public TimeSpan Minimum { get; }

    public TimeSpan Maximum { get; }

    public TimeSpan Current { get; private set; }

    /// <summary>A poll saw a change: poll soon again.</summary>
    public void Changed() => Current = Minimum;

    /// <summary>A poll saw nothing: wait longer, within the maximum.</summary>
    public void Quiet() => Current = Current * 2 < Maximum ? Current * 2 : Maximum;
}
