using System.Threading.Channels;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// A <see cref="WatchSignalKind.Scan"/> signal at a fixed interval: the reconciling scan beside
/// file-system events, or the poll when there are none. Signals that pile up while the loop is
/// busy are one scan to it.
/// </summary>
public sealed class ScanTimer : IChangeSource
{
    private readonly ChannelWriter<WatchSignal> _output;
    private readonly Timer _timer;
    private TimeSpan _interval;

    public ScanTimer(ChannelWriter<WatchSignal> output, TimeSpan interval)
    {
        _output = output;
        _interval = interval;
        _timer = new Timer(_ => _output.TryWrite(new WatchSignal(WatchSignalKind.Scan, "")), null, interval, interval);
    }

    public TimeSpan Interval
    {
        get => _interval;
        set
        {
            _interval = value;
            _timer.Change(value, value);
        }
    }

    /// <summary>A timer covers any folders; the scan itself decides what to look at.</summary>
    public bool TryWatch(IReadOnlyCollection<string> folders, out string? failure)
    {
        failure = null;
        return true;
    }

    public void Dispose() => _timer.Dispose();
}
