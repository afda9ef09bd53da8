using System.Threading.Channels;
using IncrementalWatch.Contracts;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Host.Watch;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Host.Watch;

/// <summary>
/// What keeps the watch cheap on big trees and correct where events never come: the one
/// exclusion rule and the folder set it gives, the file-system types that are polled, the
/// adaptive poll interval, and the poller itself, on real files.
/// </summary>
public sealed class WatchScaleTests
{
    [Fact]
    public void The_folder_set_never_enters_excluded_folders_and_the_list_can_be_replaced()
    {
        using var temp = new TempDirectory();
        foreach (string file in new[]
        {
            "App/Program.cs", "App/src/a/A.cs", "App/src/b/B.cs", "App/bin/Debug/App.dll", "App/obj/x/App.g.cs",
            "App/node_modules/pkg/lib/index.js", "App/.git/objects/aa/0123", "App/TestResults/r.trx", "Shared/Common.cs",
        })
        {
            temp.File(file, "x");
        }

        string app = Path.Combine(temp.Path, "App");
        var project = new WatchedProject(Path.Combine(app, "App.csproj"), app, Path.Combine(app, "bin") + "/", Path.Combine(app, "obj") + "/");
        var info = new WatchInfo("dotnet", "App.dll", app, Path.Combine(app, "bin"), "", [project], [Path.Combine(temp.Path, "Shared", "Common.cs")]);

        var folders = WatchedFolders.Of(info, new PathFilter([project])).Folders.Select(f => Path.GetRelativePath(temp.Path, f));
        Assert.Equal(new[] { "App", "App/src", "App/src/a", "App/src/b", "Shared" }, folders.Order());

        // IncrementalWatchNeverInputFolders replaces the list: node_modules is then a source folder.
        var replaced = new PathFilter([project], new NeverInputs(["src"]));
        Assert.Contains("App/node_modules/pkg/lib", WatchedFolders.Of(info, replaced).Folders.Select(f => Path.GetRelativePath(temp.Path, f)));
        Assert.True(replaced.IsExcludedFolder(Path.Combine(app, "src")));
        Assert.True(replaced.IsExcludedFolder(Path.Combine(app, "bin", "Debug")));
    }

    [Fact]
    public void Recursive_watchers_go_on_the_topmost_folders_of_the_set_only()
    {
        // Windows and macOS: one recursive FileSystemWatcher per topmost folder covers the rest.
        string root = Path.Combine(Path.GetTempPath(), "w");
        string[] folders = [Path.Combine(root, "App"), Path.Combine(root, "App", "src"), Path.Combine(root, "App.Tests"), Path.Combine(root, "Shared", "lib"), Path.Combine(root, "App", "src", "a")];
        Assert.Equal(new[] { Path.Combine(root, "App"), Path.Combine(root, "App.Tests"), Path.Combine(root, "Shared", "lib") }, FileEventSource.TopmostOf(folders));
    }

    [Fact]
    public void Mounts_are_read_from_mountinfo_and_folders_on_eventless_file_systems_are_polled()
    {
        var table = MountTable.Parse(
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
            "40 22 0:35 / /mnt/c rw,noatime - 9p C:\\134 rw,aname=drvfs\n" +
            "41 22 0:36 / /home/me/My\\040Share rw shared:7 master:2 - cifs //server/share rw\n" +
            "42 22 0:37 / /workspace rw - fuse.grpcfuse grpcfuse rw\n" +
            "43 22 0:38 / /srv/nfs rw - nfs4 host:/export rw\n" +
            "44 22 0:39 / /tmp rw - tmpfs tmpfs rw\n" +
            "garbage line\n");

        Assert.Equal("9p", table.MountOf("/mnt/c/src/App/Program.cs")!.FileSystemType);
        Assert.Equal("cifs", table.MountOf("/home/me/My Share/App")!.FileSystemType);
        Assert.Equal("ext4", table.MountOf("/mnt/cd")!.FileSystemType);
        Assert.Equal("ext4", table.MountOf("/home/me/project")!.FileSystemType);
        Assert.False(table.DeliversEventsFor("/mnt/c/src"));
        Assert.False(table.DeliversEventsFor("/workspace/App"));
        Assert.False(table.DeliversEventsFor("/srv/nfs/App"));
        Assert.True(table.DeliversEventsFor("/tmp/App"));
        Assert.True(table.DeliversEventsFor("/home/me/project"));
        foreach (string type in new[] { "virtiofs", "overlay", "nfs", "smb3", "fuse", "fuse.sshfs", "vboxsf", "fakeowner" })
        {
            Assert.False(MountTable.DeliversEvents(type), type);
        }

        foreach (string type in new[] { "ext4", "xfs", "btrfs", "tmpfs", "zfs", "fuseblk" })
        {
            Assert.True(MountTable.DeliversEvents(type), type);
        }
    }

    [Fact]
    public void This_machines_own_mounts_are_found_for_its_folders()
    {
        var table = MountTable.Current();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Empty(table.Mounts);
            return;
        }

        var root = Assert.Single(table.Mounts, m => m.MountPoint == "/");
        using var temp = new TempDirectory();
        var mount = table.MountOf(temp.Path)!;
        Assert.StartsWith(mount.MountPoint.TrimEnd('/'), temp.Path, StringComparison.Ordinal);
        Assert.Equal(MountTable.DeliversEvents(mount.FileSystemType), table.DeliversEventsFor(temp.Path));
        Assert.Equal("proc", table.MountOf("/proc/self")!.FileSystemType);
        Assert.NotEmpty(root.FileSystemType);
    }

    [Fact]
    public void The_poll_interval_is_short_after_a_change_and_doubles_up_to_its_bound_when_quiet()
    {
        var interval = new AdaptiveInterval(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000));
        Assert.Equal(100, interval.Current.TotalMilliseconds);
        var waits = new List<double>();
        for (int i = 0; i < 6; i++)
        {
            interval.Quiet();
            waits.Add(interval.Current.TotalMilliseconds);
        }

        Assert.Equal(new double[] { 200, 400, 800, 1000, 1000, 1000 }, waits);
        interval.Changed();
        Assert.Equal(100, interval.Current.TotalMilliseconds);
        Assert.Equal(TimeSpan.FromMilliseconds(50), new AdaptiveInterval(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50)).Current);
    }

    [Fact]
    public void The_reconciling_scan_doubles_its_wait_while_idle_up_to_its_bound_and_a_change_brings_it_back()
    {
        var signals = Channel.CreateUnbounded<WatchSignal>();
        var clock = new ManualTimers();
        using var scans = new ScanTimer(signals.Writer, new AdaptiveInterval(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)), clock);
        Assert.Equal(TimeSpan.FromSeconds(5), clock.Due);

        var waits = new List<int>();
        for (int i = 0; i < 6; i++)
        {
            clock.Fire();
            Assert.True(signals.Reader.TryRead(out var signal) && signal.Kind == WatchSignalKind.Scan);
            waits.Add((int)clock.Due.TotalSeconds);
        }

        Assert.Equal(new[] { 10, 20, 40, 60, 60, 60 }, waits);
        Assert.Equal(TimeSpan.FromSeconds(60), scans.Next);

        // A change: the next scan comes after the minimum again; more changes leave that timer alone.
        scans.Activity();
        Assert.Equal(TimeSpan.FromSeconds(5), clock.Due);
        int restarts = clock.Changes;
        scans.Activity();
        Assert.Equal(restarts, clock.Changes);
        clock.Fire();
        Assert.Equal(TimeSpan.FromSeconds(10), clock.Due);

        // Disposed: a late tick posts nothing.
        scans.Dispose();
        while (signals.Reader.TryRead(out _))
        {
        }

        clock.Fire();
        Assert.False(signals.Reader.TryRead(out _));
    }

    /// <summary>A clock whose one timer fires only when the test says so, and shows when it is due.</summary>
    private sealed class ManualTimers : TimeProvider
    {
        private TimerCallback? _callback;
        private object? _state;

        public TimeSpan Due { get; private set; }

        public int Changes { get; private set; }

        public void Fire() => _callback?.Invoke(_state);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            (_callback, _state, Due) = (callback, state, dueTime);
            return new Timer(this);
        }

        private sealed class Timer(ManualTimers owner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                owner.Due = dueTime;
                owner.Changes++;
                return true;
            }

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public void The_poller_stats_known_files_lists_a_folder_only_when_it_changed_and_reports_new_folders()
    {
        using var temp = new TempDirectory();
        string program = temp.File("App/Program.cs", "class P {}");
        string folder = Path.GetDirectoryName(program)!;
        var signals = Channel.CreateUnbounded<WatchSignal>();
        using var poller = new PollingSource(signals.Writer, new AdaptiveInterval(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        Assert.True(poller.TryWatch([folder], out _));

        // The first poll of a folder reports what it holds (the loop knows those files already).
        poller.PollOnce();
        Assert.Equal(new[] { (WatchSignalKind.Path, program) }, Drain(signals));
        Assert.False(poller.PollOnce());
        Assert.Empty(Drain(signals));

        // An edit that put the old modification time back is still seen (size and change time moved).
        var mtime = File.GetLastWriteTimeUtc(program);
        File.WriteAllText(program, "class Changed {}");
        File.SetLastWriteTimeUtc(program, mtime);
        Assert.True(poller.PollOnce());
        Assert.Equal(new[] { (WatchSignalKind.Path, program) }, Drain(signals));

        // Caught half way through an in-place save (truncated, not yet written): nothing yet;
        // the next poll reports it once, written or still empty.
        File.WriteAllText(program, "");
        Assert.True(poller.PollOnce());
        Assert.Empty(Drain(signals));
        File.WriteAllText(program, "class Saved {}");
        Assert.True(poller.PollOnce());
        Assert.Equal(new[] { (WatchSignalKind.Path, program) }, Drain(signals));

        // A new file and a new folder; then a removal.
        string added = temp.File("App/Added.cs", "class A {}");
        Directory.CreateDirectory(Path.Combine(folder, "Sub"));
        Assert.True(poller.PollOnce());
        Assert.Equal(new[] { (WatchSignalKind.Path, added), (WatchSignalKind.Rescan, Path.Combine(folder, "Sub")) }.Order(), Drain(signals).Order());
        File.Delete(added);
        Assert.True(poller.PollOnce());
        Assert.Equal(new[] { (WatchSignalKind.Path, added) }, Drain(signals));
        Assert.Equal(1, poller.FolderCount);
    }

    [Fact]
    public async Task A_new_folder_is_watched_at_once_so_the_files_written_into_it_keep_coming_unless_it_is_excluded()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var temp = new TempDirectory();
        string folder = Path.GetDirectoryName(temp.File("App/Program.cs", "class P {}"))!;
        var signals = Channel.CreateUnbounded<WatchSignal>();
        using var events = new InotifyEventSource(signals.Writer, f => Path.GetFileName(f) != "node_modules");
        Assert.True(events.TryWatch([folder], out _));

        // No walk or TryWatch in between, as while the loop is still collecting a batch.
        string generated = Path.Combine(folder, "Generated");
        string modules = Path.Combine(folder, "node_modules");
        Directory.CreateDirectory(generated);
        Directory.CreateDirectory(modules);
        var expected = new[] { (WatchSignalKind.Rescan, generated), (WatchSignalKind.Rescan, modules) };
        var seen = await CollectUntil(signals, expected);
        Assert.Equal(expected.Order(), seen.Order());

        File.WriteAllText(Path.Combine(modules, "index.js"), "x");
        string g1 = Path.Combine(generated, "G1.cs");
        File.WriteAllText(g1, "class G1 {}");
        seen = await CollectUntil(signals, [(WatchSignalKind.Written, g1)]);
        Assert.Contains((WatchSignalKind.Written, g1), seen);
        Assert.DoesNotContain(seen, s => s.Item2.StartsWith(modules, StringComparison.Ordinal));
    }

    /// <summary>Reads signals until all of <paramref name="wanted"/> came, for at most 10 s.</summary>
    private static async Task<List<(WatchSignalKind, string)>> CollectUntil(Channel<WatchSignal> signals, IReadOnlyCollection<(WatchSignalKind, string)> wanted)
    {
        var seen = new List<(WatchSignalKind, string)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (!wanted.All(seen.Contains))
            {
                var signal = await signals.Reader.ReadAsync(timeout.Token);
                seen.Add((signal.Kind, signal.Detail));
            }
        }
        catch (OperationCanceledException)
        {
            // The assertions say what is missing.
        }

        return seen;
    }

    private static List<(WatchSignalKind, string)> Drain(Channel<WatchSignal> signals)
    {
        var drained = new List<(WatchSignalKind, string)>();
        while (signals.Reader.TryRead(out var signal))
        {
            drained.Add((signal.Kind, signal.Detail));
        }

        return drained;
    }
}
