using System.Threading.Channels;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// The reconciling scan beside file-system events: a <see cref="WatchSignalKind.Scan"/> signal,
/// first after the interval's minimum, then twice as long after each scan, up to its maximum,
/// while nothing happens; <see cref="Activity"/> (a change seen, by events or by a scan) brings
/// it back to the minimum. An idle watch of a big tree thus walks and compares it about once a
/// minute, not every few seconds, and a lost event is still caught within the maximum. Signals
/// that pile up while the loop is busy are one scan to it.
/// </summary>
public sealed class ScanTimer : IChangeSource
{
    private readonly ChannelWriter<WatchSignal> _output;
    private readonly AdaptiveInterval _interval;
    private readonly object _lock = new();
    private readonly ITimer _timer;
    private bool _disposed;

    /// <param name="time">The clock whose timer fires the scans (the system's unless a test gives its own).</param>
    public ScanTimer(ChannelWriter<WatchSignal> output, AdaptiveInterval interval, TimeProvider? time = null)
    {
        _output = output;
        _interval = interval;
        _timer = (time ?? TimeProvider.System).CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_lock)
        {
            _timer.Change(_interval.Current, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The wait before the next scan.</summary>
    public TimeSpan Next
    {
        get
        {
            lock (_lock)
            {
                return _interval.Current;
            }
        }
    }

    /// <summary>Something changed: scan again after the shortest interval (the timer restarts only when it was waiting longer).</summary>
    public void Activity()
    {
        lock (_lock)
        {
            if (_disposed || _interval.Current == _interval.Minimum)
            {
                return;
            }

            _interval.Changed();
            _timer.Change(_interval.Current, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A timer covers any folders; the scan itself decides what to look at.</summary>
    public bool TryWatch(IReadOnlyCollection<string> folders, out string? failure)
    {
        failure = null;
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void Fire()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _interval.Quiet();
            _timer.Change(_interval.Current, Timeout.InfiniteTimeSpan);
        }

        _output.TryWrite(new WatchSignal(WatchSignalKind.Scan, ""));
    }
}
