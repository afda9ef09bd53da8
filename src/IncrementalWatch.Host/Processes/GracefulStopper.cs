using System.Diagnostics;
using IncrementalWatch.Contracts;

namespace IncrementalWatch.Host.Processes;

/// <summary>How to stop an app.</summary>
/// <param name="Signal">Sent first, to the app's whole process group.</param>
/// <param name="Grace">How long the app and its children may drain before they are killed.</param>
/// <param name="KillWait">How long to wait for the kernel after SIGKILL.</param>
public sealed record StopOptions(StopSignal Signal, TimeSpan Grace, TimeSpan KillWait)
{
    public static readonly StopOptions Default = new(StopSignal.Terminate, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

    /// <summary>For a cancelled build: its whole process group (MSBuild nodes, compilers) killed at once.</summary>
    public static readonly StopOptions KillNow = new(StopSignal.Kill, TimeSpan.Zero, TimeSpan.FromSeconds(10));
}

/// <summary>What stopping took.</summary>
/// <param name="Graceful">Everything exited within the grace period.</param>
/// <param name="ExitCode">The app's exit code, when known.</param>
/// <param name="Duration">From the signal to the last process gone.</param>
/// <param name="Killed">Processes that had to be killed.</param>
/// <param name="Survivors">Processes still present after the kill wait (should be none).</param>
public sealed record StopOutcome(bool Graceful, int? ExitCode, TimeSpan Duration, int Killed, IReadOnlyList<int> Survivors);

/// <summary>
/// Stops an app and everything it started: the stop signal to its process group (and to any
/// descendant that left the group), a grace period for draining, then SIGKILL to all that is
/// left. It only ever signals the app's own group and the app's own descendants.
/// </summary>
public static class GracefulStopper
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static async Task<StopOutcome> StopAsync(ChildProcess app, StopOptions options)
    {
        if (OperatingSystem.IsWindows())
        {
            var clock = Stopwatch.StartNew();
            app.KillTreeWindows();
            int code = await app.Exited.WaitAsync(options.KillWait).ConfigureAwait(false);
            return new StopOutcome(false, code, clock.Elapsed, 1, Array.Empty<int>());
        }

        var outcome = await StopGroupAsync(app.Id, app.GroupId, () => app.HasExited, options).ConfigureAwait(false);
        return outcome with { ExitCode = app.HasExited ? app.Exited.Result : null };
    }

    /// <summary>
    /// Stops an app a previous host started and left running (the host was killed hard). It is
    /// not this process's child, so its parent (init or a subreaper) reaps it.
    /// </summary>
    public static Task<StopOutcome> StopLeftoverAsync(int pid, int groupId, StopOptions options) =>
        StopGroupAsync(pid, groupId, () => !UnixNative.Exists(pid) || ProcessTree.IsZombie(pid), options);

    private static async Task<StopOutcome> StopGroupAsync(int pid, int groupId, Func<bool> leaderGone, StopOptions options)
    {
        var clock = Stopwatch.StartNew();

        // Descendants are found while their parents still live, before anything is signalled.
        var members = ProcessTree.MembersOf(pid, groupId).ToHashSet();
        if (!leaderGone() || ProcessTree.GroupExists(groupId))
        {
            UnixNative.SignalGroup(groupId, options.Signal.Number);
        }

        foreach (int member in members)
        {
            UnixNative.kill(member, options.Signal.Number);
        }

        if (await WaitUntilGoneAsync(leaderGone, groupId, members, options.Grace).ConfigureAwait(false))
        {
            return new StopOutcome(true, null, clock.Elapsed, 0, Array.Empty<int>());
        }

        // Some did not drain in time: kill what is left, including descendants born since.
        members.UnionWith(ProcessTree.MembersOf(pid, groupId));
        int killed = members.Count(IsLive) + (leaderGone() ? 0 : 1);
        UnixNative.SignalGroup(groupId, StopSignal.Kill.Number);
        foreach (int member in members)
        {
            UnixNative.kill(member, StopSignal.Kill.Number);
        }

        await WaitUntilGoneAsync(leaderGone, groupId, members, options.KillWait).ConfigureAwait(false);
        var survivors = members.Where(IsLive).ToList();
        if (!leaderGone())
        {
            survivors.Add(pid);
        }

        return new StopOutcome(false, null, clock.Elapsed, killed, survivors);
    }

    private static bool IsLive(int pid) => UnixNative.Exists(pid) && !ProcessTree.IsZombie(pid);

    /// <summary>True once the app is reaped and no process of its group or tree is left.</summary>
    private static async Task<bool> WaitUntilGoneAsync(Func<bool> leaderGone, int groupId, HashSet<int> members, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            bool gone = leaderGone() && !ProcessTree.GroupExists(groupId) && !members.Any(IsLive);
            if (gone)
            {
                return true;
            }

            if (deadline.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
