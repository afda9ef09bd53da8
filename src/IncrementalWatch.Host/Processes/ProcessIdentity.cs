using System.Diagnostics;

namespace IncrementalWatch.Host.Processes;

/// <summary>
/// Tells a live process from a later one that reused its pid: a pid is only "the same
/// process" when its start time matches the recorded one.
/// </summary>
public static class ProcessIdentity
{
    /// <summary>The process's start time in UTC ticks, or null when there is no such process.</summary>
    public static long? StartTimeOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="pid"/> is still the process that started at <paramref name="startTicks"/>.</summary>
    public static bool IsSame(int pid, long startTicks)
    {
        long? now = StartTimeOf(pid);

        // Start times are derived from boot time and clock ticks; allow for rounding. A zombie
        // (killed, never reaped: its parent died too and a container's first process may not
        // reap) has exited and counts as gone.
        return now is long ticks && Math.Abs(ticks - startTicks) < TimeSpan.TicksPerSecond && !ProcessTree.IsZombie(pid);
    }
}
