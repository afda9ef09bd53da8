using System.Threading.Channels;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// dotnet build -t:WatchRestart writes obj/IncrementalWatch/restart.request; this source turns
/// each new write into a <see cref="WatchSignalKind.RestartRequested"/> signal. The folder is
/// watched for events where there are any; <see cref="Check"/> also notices a request on each
/// scan, for file systems without events. A request older than this watch is not one.
/// </summary>
public sealed class RestartRequests : IDisposable
{
    public const string FileName = "restart.request";

    private readonly string _file;
    private readonly FileSystemWatcher? _watcher;
    private readonly object _lock = new();
    private DateTime _seen;

    public RestartRequests(ChannelWriter<WatchSignal> output, string stateDirectory)
    {
        _file = Path.Combine(stateDirectory, FileName);
        _seen = WrittenAt();
        try
        {
            Directory.CreateDirectory(stateDirectory);
            _watcher = new FileSystemWatcher(stateDirectory, FileName) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            FileSystemEventHandler onWrite = (_, _) =>
            {
                if (Check())
                {
                    output.TryWrite(new WatchSignal(WatchSignalKind.RestartRequested, _file));
                }
            };
            _watcher.Created += onWrite;
            _watcher.Changed += onWrite;
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            // No events here: the scans find requests.
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    /// <summary>Whether a request was written since the last check (each request counts once).</summary>
    public bool Check()
    {
        lock (_lock)
        {
            DateTime written = WrittenAt();
            if (written == _seen)
            {
                return false;
            }

            _seen = written;
            return written != DateTime.MinValue;
        }
    }

    public void Dispose() => _watcher?.Dispose();

    private DateTime WrittenAt()
    {
        try
        {
            return File.Exists(_file) ? File.GetLastWriteTimeUtc(_file) : DateTime.MinValue;
        }
        catch (IOException)
        {
            return DateTime.MinValue;
        }
    }
}
