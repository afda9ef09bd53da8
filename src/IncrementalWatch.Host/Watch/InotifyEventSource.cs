using System.Runtime.InteropServices;
using System.Threading.Channels;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// File-system events on Linux from one inotify instance with one watch per watched folder,
/// each folder on its own. .NET's FileSystemWatcher is not used here: it takes an inotify
/// instance per watcher (128 per user by default) and, recursive, a watch on every folder below,
/// bin/, obj/ and node_modules/ included. Here only the folders the watch needs are watched, and
/// a change of the set adds and removes just the difference.
/// A new folder inside a watched one is watched at once (unless <c>watchNewFolder</c> says it
/// is never an input), so the files a checkout goes on writing into it keep the batch open, and
/// it becomes a Rescan for what was written before its watch. A queue overflow (IN_Q_OVERFLOW)
/// or a watched folder going away becomes a Rescan too, after which the loop walks for new folders and compares every
/// watched file by content, so nothing is lost. Running out of watches (ENOSPC, the
/// max_user_watches limit) or of instances becomes Unavailable: the loop polls instead.
/// </summary>
public sealed partial class InotifyEventSource : IChangeSource
{
    private const uint InModify = 0x2, InAttrib = 0x4, InCloseWrite = 0x8, InMovedFrom = 0x40, InMovedTo = 0x80, InCreate = 0x100, InDelete = 0x200;
    private const uint InDeleteSelf = 0x400, InMoveSelf = 0x800, InUnmount = 0x2000, InQueueOverflow = 0x4000, InIgnored = 0x8000;
    private const uint InOnlyDir = 0x01000000, InExcludeUnlinked = 0x04000000, InIsDir = 0x40000000;
    private const uint Mask = InModify | InAttrib | InCloseWrite | InMovedFrom | InMovedTo | InCreate | InDelete | InDeleteSelf | InMoveSelf | InOnlyDir | InExcludeUnlinked;
    private const int NonBlocking = 0x800, CloseOnExec = 0x80000, ENOSPC = 28, EMFILE = 24, EINTR = 4, EAGAIN = 11;

    private readonly ChannelWriter<WatchSignal> _output;
    private readonly Predicate<string> _watchNewFolder;
    private readonly object _lock = new();
    private readonly Dictionary<int, string> _folderOf = new();
    private readonly Dictionary<string, int> _watchOf = new(PathComparison.Comparer);
    private readonly int _fd;
    private readonly int[] _wake = new int[2];
    private readonly Thread _reader;
    private volatile bool _disposed;

    /// <exception cref="IOException">No inotify instance can be had (the per-user instance limit).</exception>
    public InotifyEventSource(ChannelWriter<WatchSignal> output, Predicate<string>? watchNewFolder = null)
    {
        _output = output;
        _watchNewFolder = watchNewFolder ?? (_ => true);
        _fd = Native.inotify_init1(NonBlocking | CloseOnExec);
        if (_fd < 0)
        {
            throw new IOException($"inotify_init1 failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        if (Native.pipe2(_wake, CloseOnExec | NonBlocking) != 0)
        {
            Native.close(_fd);
            throw new IOException($"pipe2 failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        _reader = new Thread(Read) { IsBackground = true, Name = "inotify" };
        _reader.Start();
    }

    public bool TryWatch(IReadOnlyCollection<string> folders, out string? failure)
    {
        failure = null;
        var wanted = new HashSet<string>(folders, PathComparison.Comparer);
        lock (_lock)
        {
            foreach (var (folder, wd) in _watchOf.Where(w => !wanted.Contains(w.Key)).ToList())
            {
                Native.inotify_rm_watch(_fd, wd);
                _watchOf.Remove(folder);
                _folderOf.Remove(wd);
            }

            foreach (string folder in wanted)
            {
                if (!Add(folder, out int errno) && errno is ENOSPC or EMFILE)
                {
                    failure = $"inotify watch limit reached at {_watchOf.Count} folders (fs.inotify.max_user_watches): {Marshal.GetPInvokeErrorMessage(errno)}";
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Adds a watch on <paramref name="folder"/> unless it has one (call under the lock). A
    /// folder gone meanwhile, or no longer a folder, is left to the next walk.
    /// </summary>
    private bool Add(string folder, out int errno)
    {
        errno = 0;
        if (_watchOf.ContainsKey(folder))
        {
            return true;
        }

        int wd = Native.inotify_add_watch(_fd, folder, Mask);
        if (wd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }

        _watchOf[folder] = wd;
        _folderOf[wd] = folder;
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Native.write(_wake[1], new byte[1], 1);
        _reader.Join(TimeSpan.FromSeconds(5));
        Native.close(_fd);
        Native.close(_wake[0]);
        Native.close(_wake[1]);
    }

    private unsafe void Read()
    {
        var buffer = new byte[64 * 1024];
        var polls = stackalloc Native.PollFd[2];
        while (!_disposed)
        {
            polls[0] = new Native.PollFd { Fd = _fd, Events = 1 };
            polls[1] = new Native.PollFd { Fd = _wake[0], Events = 1 };
            int ready = Native.poll(polls, 2, -1);
            if (ready < 0 && Marshal.GetLastPInvokeError() == EINTR)
            {
                continue;
            }

            if (_disposed || ready < 0)
            {
                return;
            }

            while (true)
            {
                nint count;
                fixed (byte* start = buffer)
                {
                    count = Native.read(_fd, start, buffer.Length);
                }

                if (count <= 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (count < 0 && errno == EINTR)
                    {
                        continue;
                    }

                    if (count < 0 && errno != EAGAIN)
                    {
                        Post(WatchSignalKind.Unavailable, $"reading inotify events failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                        return;
                    }

                    break;
                }

                Dispatch(buffer.AsSpan(0, (int)count));
            }
        }
    }

    /// <summary>Turns a buffer of inotify_event records into signals.</summary>
    private void Dispatch(ReadOnlySpan<byte> events)
    {
        int offset = 0;
        while (offset + 16 <= events.Length)
        {
            int wd = MemoryMarshal.Read<int>(events[offset..]);
            uint mask = MemoryMarshal.Read<uint>(events[(offset + 4)..]);
            int nameLength = (int)MemoryMarshal.Read<uint>(events[(offset + 12)..]);
            var nameBytes = events.Slice(offset + 16, nameLength);
            int end = nameBytes.IndexOf((byte)0);
            string name = System.Text.Encoding.UTF8.GetString(end >= 0 ? nameBytes[..end] : nameBytes);
            offset += 16 + nameLength;

            if ((mask & InQueueOverflow) != 0)
            {
                Post(WatchSignalKind.Rescan, "inotify queue overflow");
                continue;
            }

            string? folder;
            lock (_lock)
            {
                _folderOf.TryGetValue(wd, out folder);
                if (folder is not null && (mask & (InIgnored | InDeleteSelf | InMoveSelf | InUnmount)) != 0)
                {
                    // The folder went away (or moved): its watch is gone; the next walk decides.
                    if ((mask & InIgnored) != 0)
                    {
                        _folderOf.Remove(wd);
                        _watchOf.Remove(folder);
                    }

                    Post(WatchSignalKind.Rescan, folder);
                    continue;
                }
            }

            if (folder is null || name.Length == 0)
            {
                continue;
            }

            string path = Path.Combine(folder, name);
            bool isFolder = (mask & InIsDir) != 0;
            if (isFolder && (mask & (InCreate | InMovedTo)) != 0)
            {
                // A new folder: watched from now on, and a rescan for the files already in it.
                if (_watchNewFolder(path))
                {
                    lock (_lock)
                    {
                        Add(path, out _);
                    }
                }

                Post(WatchSignalKind.Rescan, path);
            }
            else if (!isFolder)
            {
                Post((mask & InCloseWrite) != 0 ? WatchSignalKind.Written : WatchSignalKind.Path, path);
            }
        }
    }

    private void Post(WatchSignalKind kind, string detail) => _output.TryWrite(new WatchSignal(kind, detail));

    private static unsafe partial class Native
    {
        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [LibraryImport("libc", SetLastError = true)]
        public static partial int inotify_init1(int flags);

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int inotify_add_watch(int fd, string path, uint mask);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int inotify_rm_watch(int fd, int wd);

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint read(int fd, byte* buffer, nint count);

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint write(int fd, byte[] buffer, nint count);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int poll(PollFd* fds, nuint count, int timeout);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int pipe2(int[] fds, int flags);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int close(int fd);
    }
}
