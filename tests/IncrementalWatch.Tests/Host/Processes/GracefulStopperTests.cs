using System.Net;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Host.Processes;

/// <summary>The supervisor against a real child process whose behaviour each test sets.</summary>
public sealed class GracefulStopperTests
{
    private static StopOptions Grace(int ms) => StopOptions.Default with { Grace = TimeSpan.FromMilliseconds(ms) };

    [Fact]
    public async Task AnAppThatDrainsIsGivenTheTimeAndItsPortIsFreed()
    {
        int port = ChildApp.FreePort();
        var app = ChildApp.Start("--listen", port.ToString(), "--drain-ms", "700");
        try
        {
            await ChildApp.WaitListeningAsync(port, app);

            var outcome = await GracefulStopper.StopAsync(app, Grace(5000));

            Assert.True(outcome.Graceful);
            Assert.Equal(0, outcome.ExitCode);
            Assert.InRange(outcome.Duration, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(4));
            Assert.True(PortProbe.IsFree(new IPEndPoint(IPAddress.Loopback, port)));
        }
        finally
        {
            ChildApp.KillGroup(app);
        }
    }

    [Fact]
    public async Task AnAppThatIgnoresTheSignalIsKilledAfterTheGracePeriod()
    {
        int port = ChildApp.FreePort();
        var app = ChildApp.Start("--listen", port.ToString(), "--ignore-sigterm");
        try
        {
            await ChildApp.WaitListeningAsync(port, app);

            var outcome = await GracefulStopper.StopAsync(app, Grace(400));

            Assert.False(outcome.Graceful);
            Assert.Equal(128 + 9, outcome.ExitCode);
            Assert.True(outcome.Killed >= 1);
            Assert.Empty(outcome.Survivors);
            Assert.True(outcome.Duration >= TimeSpan.FromMilliseconds(400));
            Assert.True(PortProbe.IsFree(new IPEndPoint(IPAddress.Loopback, port)));
        }
        finally
        {
            ChildApp.KillGroup(app);
        }
    }

    [Fact]
    public async Task AGrandchildThatIgnoresTheSignalIsNotOrphaned()
    {
        var app = ChildApp.Start("--spawn-grandchild", "--ignore-sigterm");
        try
        {
            Assert.True(await ChildApp.EventuallyAsync(() => ProcessTree.MembersOf(app.Id, app.GroupId).Count > 0, TimeSpan.FromSeconds(30)), "no grandchild appeared");
            int grandchild = ProcessTree.MembersOf(app.Id, app.GroupId).Single();
            Assert.True(ProcessTree.TryReadStat(grandchild, out _, out int group) && group == app.GroupId, "the grandchild is in the app's process group");

            var outcome = await GracefulStopper.StopAsync(app, Grace(300));

            Assert.Empty(outcome.Survivors);
            Assert.True(await ChildApp.EventuallyAsync(() => !UnixNative.Exists(grandchild) || ProcessTree.IsZombie(grandchild), TimeSpan.FromSeconds(5)), $"grandchild {grandchild} survived");
            Assert.False(ProcessTree.GroupExists(app.GroupId));
        }
        finally
        {
            ChildApp.KillGroup(app);
        }
    }

    [Fact]
    public async Task AnAppThatExitsAtOnceReportsItsCodeAndIsNotRestartedInATightLoop()
    {
        var app = ChildApp.Start("--exit", "3");
        int code = await app.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, code);

        var policy = new RestartPolicy();
        var delays = Enumerable.Range(0, RestartPolicy.MaxQuickFailures).Select(_ => policy.OnExit(code, TimeSpan.FromMilliseconds(100))).ToList();
        Assert.All(delays, d => Assert.True(d.Restart));
        Assert.Equal(new[] { 1.0, 2, 4, 8, 16 }, delays.Select(d => d.Delay.TotalSeconds));
        Assert.False(policy.OnExit(code, TimeSpan.FromMilliseconds(100)).Restart);
    }

    [Fact]
    public async Task ALeftoverAppFromAKilledHostIsStoppedOnlyWhenItIsStillTheSameProcess()
    {
        int port = ChildApp.FreePort();
        var app = ChildApp.Start("--listen", port.ToString());
        try
        {
            await ChildApp.WaitListeningAsync(port, app);
            using var temp = new TempDirectory();
            string file = Path.Combine(temp.Path, "app.pid");
            new AppRecord(app.Id, app.GroupId, app.StartIdentity, HostPid: int.MaxValue - 1, HostStart: 1).Save(file);
            var record = AppRecord.Load(file)!;
            Assert.False(record.HostAlive);
            Assert.True(record.AppAlive);
            Assert.False((record with { AppStart = record.AppStart - TimeSpan.TicksPerMinute }).AppAlive, "a reused pid is not the recorded app");

            var outcome = await GracefulStopper.StopLeftoverAsync(record.AppPid, record.AppGroup, Grace(3000));

            Assert.True(outcome.Graceful);
            Assert.Equal(0, await app.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(PortProbe.IsFree(new IPEndPoint(IPAddress.Loopback, port)));
        }
        finally
        {
            ChildApp.KillGroup(app);
        }
    }
}
