using System.Runtime.InteropServices;

namespace IncrementalWatch.Host.Processes;

/// <summary>
/// The few POSIX calls .NET does not expose: spawning a child in a process group of its own,
/// signalling a whole group, and reaping a child .NET did not start. posix_spawn runs no
/// managed code between fork and exec, which is what makes it safe to call from .NET.
/// </summary>
internal static unsafe class UnixNative
{
    // Identical on Linux (glibc, musl) and macOS.
    public const short PosixSpawnSetPgroup = 0x02;
    public const short PosixSpawnSetSigDef = 0x04;
    public const short PosixSpawnSetSigMask = 0x08;
    public const int WNoHang = 1;
    public const int ESRCH = 3;
    public const int ECHILD = 10;
    public const int EINTR = 4;
    public const int LinuxOCloExec = 0x80000;
    public const int FSetFd = 2;
    public const int FdCloExec = 1;

    // posix_spawnattr_t, posix_spawn_file_actions_t and sigset_t are opaque and differ in size
    // (glibc: 336, 80 and 128 bytes; macOS: one pointer or 4 bytes); these buffers fit all.
    public const int OpaqueBufferSize = 1024;

    [DllImport("libc", SetLastError = true)]
    public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int tcgetpgrp(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern int tcsetpgrp(int fd, int pgrp);

    [DllImport("libc", SetLastError = true)]
    public static extern int setpgid(int pid, int pgid);

    [DllImport("libc")]
    public static extern int getpgrp();

    [DllImport("libc")]
    public static extern int pthread_sigmask(int how, void* set, void* old);

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int signal);

    [DllImport("libc", SetLastError = true)]
    public static extern int waitpid(int pid, out int status, int options);

    [DllImport("libc", SetLastError = true)]
    public static extern int getpgid(int pid);

    [DllImport("libc", SetLastError = true)]
    public static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);

    [DllImport("libc")]
    public static extern int posix_spawnattr_init(void* attr);

    [DllImport("libc")]
    public static extern int posix_spawnattr_destroy(void* attr);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setflags(void* attr, short flags);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setpgroup(void* attr, int pgroup);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [DllImport("libc")]
    public static extern int sigemptyset(void* set);

    [DllImport("libc")]
    public static extern int sigaddset(void* set, int signal);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_init(void* actions);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_destroy(void* actions);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [DllImport("libc", SetLastError = true)]
    public static extern int pipe2(int* fds, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int pipe(int* fds);

    [DllImport("libc", SetLastError = true)]
    public static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    /// <summary>O_WRONLY (the same on Linux and macOS).</summary>
    public const int OpenWriteOnly = 1;

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_addopen(void* actions, int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int oflag, int mode);

    /// <summary>glibc 2.29+ and macOS 10.15+.</summary>
    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_addchdir_np(void* actions, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport("libc")]
    public static extern int posix_spawnp(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string file, void* fileActions, void* attr, IntPtr* argv, IntPtr* envp);

    /// <summary>A pipe whose two ends are closed on exec, so only the dup2'ed copy reaches a child.</summary>
    public static (int Read, int Write) CloseOnExecPipe()
    {
        int* fds = stackalloc int[2];
        if (OperatingSystem.IsLinux())
        {
            if (pipe2(fds, LinuxOCloExec) != 0)
            {
                throw new InvalidOperationException($"pipe2 failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
            }
        }
        else
        {
            // macOS has no pipe2; a child spawned by another thread in between may inherit the pair.
            if (pipe(fds) != 0)
            {
                throw new InvalidOperationException($"pipe failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
            }

            fcntl(fds[0], FSetFd, FdCloExec);
            fcntl(fds[1], FSetFd, FdCloExec);
        }

        return (fds[0], fds[1]);
    }

    /// <summary>Whether a process (or, with a negative id, a process group) still exists.</summary>
    public static bool Exists(int pidOrNegativeGroup)
    {
        if (kill(pidOrNegativeGroup, 0) == 0)
        {
            return true;
        }

        // EPERM means it exists but belongs to someone else.
        return Marshal.GetLastPInvokeError() != ESRCH;
    }

    /// <summary>Signals a process group; false when the group is already gone.</summary>
    public static bool SignalGroup(int pgid, int signal) => kill(-pgid, signal) == 0;
}
