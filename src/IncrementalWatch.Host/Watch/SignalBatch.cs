using System.Diagnostics;
using System.Threading.Channels;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// What the sources said during one debounce window: the paths something happened at, whether
/// everything must be scanned (a timer, a lost event, a new folder), and why events stopped, if
/// they did.
/// </summary>
public sealed record SignalBatch(IReadOnlySet<string> Paths, bool Scan, string? EventsUnavailable, bool RestartRequested = false)
{
    public bool IsEmpty => Paths.Count == 0 && !Scan && EventsUnavailable is null && !RestartRequested;

    /// <summary>
    /// A single saved file needs little debounce: while the batch holds one path and nothing
    /// else, and its writer has closed it (a complete save, not a truncation half way), it
    /// closes after this much quiet (or the debounce, if shorter).
    /// </summary>
    public static readonly TimeSpan SingleFileQuiet = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// How long a batch may keep growing while new files keep arriving (a checkout, a generator
    /// writing thousands of files): past the usual cap it waits on as long as the last
    /// cap-long stretch brought a path not yet in the batch, up to this.
    /// </summary>
    public static readonly TimeSpan MaxBurst = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads what is waiting, then more until <paramref name="debounce"/> passes with nothing new
    /// (a checkout of many files is one batch), but never for longer than <paramref name="maxBatch"/>
    /// in all, so a steady stream of writes cannot hold a rebuild back for ever, unless the
    /// stream keeps bringing files not yet in the batch (then up to <see cref="MaxBurst"/>, so
    /// a burst of thousands of files is one rebuild). While the batch
    /// is one path alone whose last event was its writer closing it (an editor's save, however
    /// many events it makes), only <see cref="SingleFileQuiet"/> of quiet is awaited; a second path or a scan brings the full
    /// debounce back. A file written a little after that short wait is never lost: it makes the
    /// next batch. Returns an empty batch at once when nothing is waiting. Paths
    /// <paramref name="ignored"/> says are no input (the build's own writes to bin/ and obj/) do
    /// not join the batch.
    /// </summary>
    public static async Task<SignalBatch> CollectAsync(ChannelReader<WatchSignal> signals, Predicate<string> ignored, TimeSpan debounce, TimeSpan maxBatch, CancellationToken stop)
    {
        var paths = new HashSet<string>(PathComparison.Comparer);
        bool scan = false, restart = false;
        string? unavailable = null;
        var batch = Stopwatch.StartNew();
        TimeSpan lastNewPath = TimeSpan.Zero;
        bool closed = false;
        while (true)
        {
            while (signals.TryRead(out WatchSignal signal))
            {
                switch (signal.Kind)
                {
                    case WatchSignalKind.Path or WatchSignalKind.Written:
                        if (!ignored(signal.Detail))
                        {
                            if (paths.Add(signal.Detail))
                            {
                                lastNewPath = batch.Elapsed;
                            }

                            closed = signal.Kind == WatchSignalKind.Written;
                        }

                        break;
                    case WatchSignalKind.RestartRequested:
                        restart = true;
                        break;
                    case WatchSignalKind.Unavailable:
                        unavailable ??= signal.Detail;
                        scan = true;
                        break;
                    default:
                        scan = true;
                        break;
                }
            }

            if (paths.Count == 0 && !scan && !restart)
            {
                return new SignalBatch(paths, false, null);
            }

            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stop);
            quiet.CancelAfter(paths.Count == 1 && closed && !scan && !restart && debounce > SingleFileQuiet ? SingleFileQuiet : debounce);
            try
            {
                var elapsed = batch.Elapsed;
                bool mayWait = elapsed < maxBatch || (elapsed < MaxBurst && elapsed - lastNewPath < maxBatch);
                if (mayWait && await signals.WaitToReadAsync(quiet.Token).ConfigureAwait(false))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // Quiet long enough.
            }

            return new SignalBatch(paths, scan, unavailable, restart);
        }
    }
}
