using System.Runtime.InteropServices;

namespace IncrementalWatch.Host.Processes;

/// <summary>Starts a program with posix_spawnp in a new process group, stdin from /dev/null.</summary>
internal static unsafe class UnixSpawn
{
    /// <summary>
    /// Starts the program; stdout and stderr go to <paramref name="outputFd"/> when it is not -1,
    /// to /dev/null with <paramref name="discardOutput"/>, else they are the host's.
    /// </summary>
    public static int Spawn(ChildStartInfo info, int outputFd = -1, bool discardOutput = false)
    {
        var argv = new List<string> { info.FileName };
        argv.AddRange(info.Arguments);
        var envp = info.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList();

        byte* attr = stackalloc byte[UnixNative.OpaqueBufferSize];
        byte* actions = stackalloc byte[UnixNative.OpaqueBufferSize];
        byte* defaults = stackalloc byte[UnixNative.OpaqueBufferSize];
        byte* mask = stackalloc byte[UnixNative.OpaqueBufferSize];
        IntPtr[] argvNative = ToNative(argv);
        IntPtr[] envpNative = ToNative(envp);
        try
        {
            Check(UnixNative.posix_spawnattr_init(attr), "posix_spawnattr_init");
            Check(UnixNative.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");

            // Signals the host ignores (the runtime ignores SIGPIPE) would stay ignored across
            // exec; the app gets the defaults instead, and an empty signal mask.
            UnixNative.sigemptyset(defaults);
            foreach (int signal in new[] { 1, 2, 3, 13, 15 })
            {
                UnixNative.sigaddset(defaults, signal);
            }

            UnixNative.sigemptyset(mask);
            Check(UnixNative.posix_spawnattr_setsigdefault(attr, defaults), "posix_spawnattr_setsigdefault");
            Check(UnixNative.posix_spawnattr_setsigmask(attr, mask), "posix_spawnattr_setsigmask");
            Check(UnixNative.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
            Check(UnixNative.posix_spawnattr_setflags(attr, UnixNative.PosixSpawnSetPgroup | UnixNative.PosixSpawnSetSigDef | UnixNative.PosixSpawnSetSigMask), "posix_spawnattr_setflags");
            Check(UnixNative.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0, 0), "posix_spawn_file_actions_addopen");
            if (outputFd >= 0)
            {
                // dup2 clears close-on-exec on the copies, so the child keeps fds 1 and 2 only.
                Check(UnixNative.posix_spawn_file_actions_adddup2(actions, outputFd, 1), "posix_spawn_file_actions_adddup2");
                Check(UnixNative.posix_spawn_file_actions_adddup2(actions, outputFd, 2), "posix_spawn_file_actions_adddup2");
            }
            else if (discardOutput)
            {
                Check(UnixNative.posix_spawn_file_actions_addopen(actions, 1, "/dev/null", UnixNative.OpenWriteOnly, 0), "posix_spawn_file_actions_addopen");
                Check(UnixNative.posix_spawn_file_actions_adddup2(actions, 1, 2), "posix_spawn_file_actions_adddup2");
            }

            try
            {
                Check(UnixNative.posix_spawn_file_actions_addchdir_np(actions, info.WorkingDirectory), "posix_spawn_file_actions_addchdir_np");
            }
            catch (EntryPointNotFoundException)
            {
                throw new InvalidOperationException("This C library cannot set a spawned process's working directory (posix_spawn_file_actions_addchdir_np needs glibc 2.29 or macOS 10.15).");
            }

            fixed (IntPtr* argvPtr = argvNative)
            fixed (IntPtr* envpPtr = envpNative)
            {
                int error = UnixNative.posix_spawnp(out int pid, info.FileName, actions, attr, argvPtr, envpPtr);
                if (error != 0)
                {
                    throw new InvalidOperationException($"Cannot start '{info.FileName}' in '{info.WorkingDirectory}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
                }

                return pid;
            }
        }
        finally
        {
            UnixNative.posix_spawn_file_actions_destroy(actions);
            UnixNative.posix_spawnattr_destroy(attr);
            Free(argvNative);
            Free(envpNative);
        }
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"{call} failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }
    }

    private static IntPtr[] ToNative(List<string> strings)
    {
        var native = new IntPtr[strings.Count + 1];
        for (int i = 0; i < strings.Count; i++)
        {
            native[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        }

        return native;
    }

    private static void Free(IntPtr[] native)
    {
        foreach (IntPtr p in native)
        {
            if (p != IntPtr.Zero)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }
}
