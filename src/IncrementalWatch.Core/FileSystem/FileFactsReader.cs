using System.Runtime.InteropServices;

namespace IncrementalWatch.FileSystem;

/// <summary>
/// Reads <see cref="FileFacts"/> for a path. On Linux it calls statx(2), whose buffer layout is
/// the same on every architecture, to get the change time and inode that .NET does not expose.
/// Elsewhere it falls back to <see cref="FileInfo"/> and marks the facts untrusted, so callers
/// re-hash instead of trusting a stat that cannot see every change.
/// </summary>
public static partial class FileFactsReader
{
    private static bool s_statxUnavailable = !OperatingSystem.IsLinux();

    /// <summary>Reads the facts of <paramref name="path"/>; a missing file gives <see cref="FileFacts.Missing"/>.</summary>
    /// <exception cref="IOException">The path exists but cannot be examined.</exception>
    public static FileFacts Read(string path)
    {
        if (!s_statxUnavailable)
        {
            try
            {
                return LinuxStatx.Read(path);
            }
            catch (EntryPointNotFoundException)
            {
                // Old glibc or musl without statx: fall back for the rest of the process.
                s_statxUnavailable = true;
            }
            catch (DllNotFoundException)
            {
                s_statxUnavailable = true;
            }
        }

        return ReadPortable(path);
    }

    internal static FileFacts ReadPortable(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            if (Directory.Exists(path))
            {
                throw new IOException($"'{path}' is a directory, not a file.");
            }

            return FileFacts.Missing;
        }

        return new FileFacts(
            Exists: true,
            Length: info.Length,
            ModifiedNs: ToUnixNs(info.LastWriteTimeUtc),
            ChangedNs: 0,
            Device: 0,
            FileId: 0,
            Trusted: false);
    }

    /// <summary>
    /// True when <paramref name="path"/> names the very file <paramref name="handle"/> has open
    /// (same device and inode); null where that cannot be told (only Linux is asked).
    /// </summary>
    public static bool? IsSameFile(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path)
    {
        if (s_statxUnavailable)
        {
            return null;
        }

        try
        {
            var open = LinuxStatx.IdentityOf(handle);
            var named = LinuxStatx.Read(path);
            return open is { } id ? named.Exists && named.Device == id.Device && named.FileId == id.FileId : null;
        }
        catch (Exception ex) when (ex is IOException or EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    private static long ToUnixNs(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static partial class LinuxStatx
    {
        private const int AtFdCwd = -100;
        private const uint StatxBasicStats = 0x7ff;
        private const int ENOENT = 2;
        private const int ENOTDIR = 20;
        private const ushort FileTypeMask = 0xF000;
        private const ushort RegularFile = 0x8000;

        [StructLayout(LayoutKind.Sequential)]
        private struct StatxTimestamp
        {
            public long Seconds;
            public uint Nanoseconds;
            public int Reserved;

            public readonly long ToNs() => (Seconds * 1_000_000_000L) + Nanoseconds;
        }

        // struct statx from <linux/stat.h>: fixed-size fields, 256 bytes on every architecture.
        [StructLayout(LayoutKind.Sequential, Size = 256)]
        private struct StatxBuffer
        {
            public uint Mask;
            public uint BlockSize;
            public ulong Attributes;
            public uint LinkCount;
            public uint Uid;
            public uint Gid;
            public ushort Mode;
            public ushort Spare0;
            public ulong Inode;
            public ulong Size;
            public ulong Blocks;
            public ulong AttributesMask;
            public StatxTimestamp AccessTime;
            public StatxTimestamp BirthTime;
            public StatxTimestamp ChangeTime;
            public StatxTimestamp ModifyTime;
            public uint RdevMajor;
            public uint RdevMinor;
            public uint DevMajor;
            public uint DevMinor;
        }

        // Source-generated marshalling: no IL stub is made at run time, so the first stat in a
        // fresh MSBuild node does not wait for the JIT, and ReadyToRun images carry it compiled.
        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, StatxBuffer* buffer);

        private const int AtEmptyPath = 0x1000;

        /// <summary>The device and inode of an open file (statx on the descriptor itself).</summary>
        public static unsafe (ulong Device, ulong FileId)? IdentityOf(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
        {
            StatxBuffer buffer;
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxBasicStats, &buffer) != 0)
                {
                    return null;
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }

            return (((ulong)buffer.DevMajor << 32) | buffer.DevMinor, buffer.Inode);
        }

        public static unsafe FileFacts Read(string path)
        {
            StatxBuffer buffer;
            if (Statx(AtFdCwd, path, 0, StatxBasicStats, &buffer) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is ENOENT or ENOTDIR)
                {
                    return FileFacts.Missing;
                }

                throw new IOException($"Cannot examine '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }

            if ((buffer.Mode & FileTypeMask) != RegularFile)
            {
                throw new IOException($"'{path}' is not a regular file.");
            }

            return new FileFacts(
                Exists: true,
                Length: (long)buffer.Size,
                ModifiedNs: buffer.ModifyTime.ToNs(),
                ChangedNs: buffer.ChangeTime.ToNs(),
                Device: ((ulong)buffer.DevMajor << 32) | buffer.DevMinor,
                FileId: buffer.Inode,
                Trusted: true);
        }
    }
}
