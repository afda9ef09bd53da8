namespace IncrementalWatch.Host.Processes;

/// <summary>
/// Makes the restart host the terminal's foreground job while it runs, as a shell does for the
/// job it runs, so that Ctrl+C reaches the host alone: the host stops the app gracefully and
/// exits 0, and dotnet build -t:Watch ends as a successful build instead of a cancelled one
/// ("Build FAILED", exit 1), which is what MSBuild makes of a Ctrl+C it receives itself. The
/// host moves into a process group of its own and takes the terminal; on disposal it gives the
/// terminal back to the group it came from. Without a controlling terminal (CI, a pipe), or on
/// Windows, where Ctrl+C is a console event for every process on the console, nothing changes.
/// </summary>
public sealed class TerminalForeground : IDisposable
{
    private const int SIGTTOU = 22;
    private const int O_RDWR = 2;
    private const int O_NOCTTY = 0x100;

    private readonly int _terminal;
    private readonly int _previousGroup;

    private TerminalForeground(int terminal, int previousGroup)
    {
        _terminal = terminal;
        _previousGroup = previousGroup;
    }

    /// <summary>Takes the terminal when this process's group holds it now; null when there is none to take.</summary>
    public static TerminalForeground? TryTake()
    {
        if (OperatingSystem.IsWindows() || Environment.GetEnvironmentVariable("INCREMENTALWATCH_KEEP_TERMINAL") == "1")
        {
            return null;
        }

        int terminal = UnixNative.open("/dev/tty", O_RDWR | O_NOCTTY);
        if (terminal < 0)
        {
            return null;
        }

        int group = UnixNative.getpgrp();
        if (UnixNative.tcgetpgrp(terminal) != group || UnixNative.setpgid(0, 0) != 0)
        {
            // Not the foreground job (started in the background), or cannot have a group of its own.
            UnixNative.close(terminal);
            return null;
        }

        if (!SetForeground(terminal, Environment.ProcessId))
        {
            UnixNative.setpgid(0, group);
            UnixNative.close(terminal);
            return null;
        }

        return new TerminalForeground(terminal, group);
    }

    public void Dispose()
    {
        SetForeground(_terminal, _previousGroup);
        UnixNative.close(_terminal);
    }

    /// <summary>
    /// tcsetpgrp from a background group stops the caller with SIGTTOU unless it blocks that
    /// signal, so this thread blocks it for the call (the process's handlers are left alone).
    /// </summary>
    private static unsafe bool SetForeground(int terminal, int group)
    {
        int block = OperatingSystem.IsMacOS() ? 1 : 0;      // SIG_BLOCK
        int setMask = OperatingSystem.IsMacOS() ? 3 : 2;    // SIG_SETMASK
        byte* set = stackalloc byte[128];
        byte* old = stackalloc byte[128];
        UnixNative.sigemptyset(set);
        UnixNative.sigaddset(set, SIGTTOU);
        if (UnixNative.pthread_sigmask(block, set, old) != 0)
        {
            return false;
        }

        try
        {
            return UnixNative.tcsetpgrp(terminal, group) == 0;
        }
        finally
        {
            UnixNative.pthread_sigmask(setMask, old, null);
        }
    }
}
