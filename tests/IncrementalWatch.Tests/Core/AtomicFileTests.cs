using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class AtomicFileTests
{
    [Fact]
    public void Concurrent_writers_never_leave_a_partial_snapshot_for_a_reader()
    {
        using var dir = new Support.TempDirectory();
        string path = Path.Combine(dir.Path, "shared.iwsnapshot");

        // Two large, different snapshots written over each other while a reader parses.
        Snapshot Make(string tag) => new([new SnapshotSection("compile",
            Enumerable.Range(0, 2000).Select(i => new SnapshotEntry(InputKind.Compile, $"/src/{tag}/{i}.cs", "", new FileFacts(true, i, i, i, 1, (ulong)i, true), ContentHash.OfText(tag + i), false)),
            [])]);
        var first = Make("a");
        var second = Make("b");
        SnapshotFile.Save(path, first);

        // Dedicated threads, and a count of reads rather than a time window: on a loaded
        // machine a pool thread may not run for seconds. The whole run is still bounded.
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int reads = 0;
        var writers = new[] { first, second }.Select(s => Task.Factory.StartNew(() =>
        {
            while (!done.IsCancellationRequested)
            {
                AtomicFile.Write(path, SnapshotFile.Serialize(s));
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        var reader = Task.Factory.StartNew(() =>
        {
            while (reads < 50 && !done.IsCancellationRequested)
            {
                var loaded = SnapshotFile.Load(path);
                Assert.NotNull(loaded);
                Assert.Equal(2000, loaded.Sections["compile"].Entries.Count);
                reads++;
            }

            done.Cancel();
        }, TaskCreationOptions.LongRunning);

        Assert.True(Task.WaitAll([.. writers, reader], TimeSpan.FromSeconds(90)));
        Assert.Equal(50, reads);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void WriteIfDifferent_leaves_an_identical_file_untouched()
    {
        using var dir = new Support.TempDirectory();
        string path = dir.File("f.txt", "same");
        var time = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, time);

        Assert.False(AtomicFile.WriteIfDifferent(path, "same"u8));
        Assert.Equal(time, File.GetLastWriteTimeUtc(path));
        Assert.True(AtomicFile.WriteIfDifferent(path, "other"u8));
        Assert.Equal("other", File.ReadAllText(path));
    }
}
