namespace IncrementalWatch.Host.Watch;

/// <summary>
/// Something that tells the watch loop where to look (as watchexec's sources do): file-system
/// events or a timer for scans. Each writes <see cref="WatchSignal"/>s to the loop's channel;
/// what to do about them is decided elsewhere (<see cref="ChangeDetector"/>).
/// </summary>
public interface IChangeSource : IDisposable
{
    /// <summary>
    /// Watches these folders from now on, each on its own (not what lies below it: the set
    /// already lists every folder that needs watching), replacing what was watched before.
    /// False, with the reason, when this source cannot watch them; the loop then polls.
    /// </summary>
    bool TryWatch(IReadOnlyCollection<string> folders, out string? failure);
}
