using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class SnapshotTakerTests
{
    private static readonly Dictionary<string, string> NoProperties = [];

    [Fact]
    public void Files_with_unchanged_stat_are_not_read_again()
    {
        using var dir = new Support.TempDirectory();
        var inputs = Enumerable.Range(0, 100).Select(i => new InputSpec(InputKind.Compile, dir.File($"f{i}.cs", $"class C{i} {{}}"))).ToList();
        AgeAll(inputs);

        var first = SnapshotTaker.Take("compile", inputs, NoProperties, previous: null);
        Assert.Equal(100, first.Stats.Hashed);

        var second = SnapshotTaker.Take("compile", inputs, NoProperties, first.Section);
        Assert.Equal(0, second.Stats.Hashed);
        Assert.Equal(100, second.Stats.Reused);
        Assert.Equal(first.Section.Fingerprint(), second.Section.Fingerprint());
    }

    [Fact]
    public void A_file_changed_within_the_racy_window_is_hashed_again_next_time()
    {
        using var dir = new Support.TempDirectory();
        string path = dir.File("fresh.cs", "class A {}");
        var inputs = new List<InputSpec> { new(InputKind.Compile, path) };

        // Examined in the very instant it was written (a loaded machine may take longer than the window).
        var writtenAt = DateTime.UnixEpoch.AddTicks(FileFactsReader.Read(path).LatestNs / 100);
        var first = SnapshotTaker.Take("compile", inputs, NoProperties, previous: null, writtenAt);
        Assert.True(first.Section.Entries.Values.Single().Racy);

        var second = SnapshotTaker.Take("compile", inputs, NoProperties, first.Section, writtenAt);
        Assert.Equal(1, second.Stats.Hashed);

        // Unchanged and still inside the window, it stays marked.
        Assert.True(second.Section.Entries.Values.Single().Racy);

        // Unchanged once out of the window, it loses the mark (one snapshot write, then its stat is trusted).
        var settled = SnapshotTaker.Take("compile", inputs, NoProperties, second.Section, writtenAt + SnapshotTaker.RacyWindow + TimeSpan.FromSeconds(1));
        Assert.Equal(1, settled.Stats.Hashed);
        Assert.False(settled.Section.Entries.Values.Single().Racy);
        Assert.Equal(second.Section.Fingerprint(), settled.Section.Fingerprint());

        var trusted = SnapshotTaker.Take("compile", inputs, NoProperties, settled.Section, writtenAt + SnapshotTaker.RacyWindow + TimeSpan.FromSeconds(2));
        Assert.Equal(0, trusted.Stats.Hashed);
    }

    /// <summary>
    /// Times with fractions of a second come from a clock that ticks at least every 16 ms, so a
    /// file written 50 ms before it is examined is safe; whole-second times (FAT, HFS+, ext3)
    /// keep the two-second window.
    /// </summary>
    [Fact]
    public void The_racy_window_follows_the_resolution_of_the_file_times()
    {
        const long examined = 1_700_000_010_000_000_000;
        const long ms = 1_000_000;
        var fine = new FileFacts(true, 1, examined - (200 * ms) + 123, examined - (200 * ms) + 456, 1, 1, Trusted: true);
        Assert.False(SnapshotTaker.IsRacy(fine, examined));
        Assert.True(SnapshotTaker.IsRacy(fine with { ChangedNs = examined - (10 * ms) + 7 }, examined));
        Assert.True(SnapshotTaker.IsRacy(fine with { ModifiedNs = examined + (5 * ms) + 1 }, examined)); // from a clock ahead of ours

        var whole = new FileFacts(true, 1, examined - 1_000_000_000, examined - 1_000_000_000, 1, 1, Trusted: true);
        Assert.True(SnapshotTaker.IsRacy(whole, examined));
        Assert.False(SnapshotTaker.IsRacy(whole with { ModifiedNs = examined - 3_000_000_000, ChangedNs = examined - 3_000_000_000 }, examined));
    }

    [Fact]
    public void A_content_change_that_keeps_size_and_modification_time_is_seen()
    {
        using var dir = new Support.TempDirectory();
        string path = dir.File("a.cs", "const string V = \"v1\";");
        var inputs = new List<InputSpec> { new(InputKind.Compile, path) };
        AgeAll(inputs);
        var first = SnapshotTaker.Take("compile", inputs, NoProperties, previous: null);

        long mtime = FileFactsReader.Read(path).ModifiedNs;
        File.WriteAllText(path, "const string V = \"v2\";");
        Support.FileEdits.SetExactModifiedTime(path, mtime);

        var second = SnapshotTaker.Take("compile", inputs, NoProperties, first.Section);
        var diff = SectionDiff.Compare(first.Section, second.Section);
        var change = Assert.Single(diff.Inputs);
        Assert.Equal(ChangeKind.Modified, change.Kind);
        Assert.True(change.TimestampDidNotAdvance);
    }

    [Fact]
    public void Untrusted_facts_are_never_reused()
    {
        using var dir = new Support.TempDirectory();
        string path = dir.File("a.cs", "x");
        var inputs = new List<InputSpec> { new(InputKind.Compile, path) };
        var facts = FileFactsReader.ReadPortable(path);
        var previous = new SnapshotSection("compile", [new SnapshotEntry(InputKind.Compile, path, "", facts, ContentHash.OfText("stale"), false)], []);

        // Only a trusted stat (with change time and file id) may stand in for reading the file.
        var taken = SnapshotTaker.Take("compile", inputs, NoProperties, previous);
        if (!OperatingSystem.IsLinux())
        {
            Assert.Equal(1, taken.Stats.Hashed);
        }

        Assert.Equal(ContentHash.OfText("x"), taken.Section.Entries.Values.Single().Hash);
    }

    [Fact]
    public void Missing_inputs_are_recorded_and_unreadable_ones_are_reported()
    {
        using var dir = new Support.TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "folder.cs"));
        var inputs = new List<InputSpec>
        {
            new(InputKind.Compile, Path.Combine(dir.Path, "missing.cs")),
            new(InputKind.Compile, Path.Combine(dir.Path, "folder.cs")),
        };

        var taken = SnapshotTaker.Take("compile", inputs, NoProperties, previous: null);
        Assert.False(taken.Section.Entries.Values.Single().Exists);
        Assert.EndsWith("folder.cs", Assert.Single(taken.Unreadable).Path);
    }

    [Fact]
    public void The_fingerprint_ignores_timestamps_but_not_content_or_properties()
    {
        using var dir = new Support.TempDirectory();
        var inputs = new List<InputSpec> { new(InputKind.Compile, dir.File("a.cs", "x")) };
        var one = SnapshotTaker.Take("compile", inputs, new Dictionary<string, string> { ["Configuration"] = "Debug" }, null).Section;
        File.SetLastWriteTimeUtc(inputs[0].Path, DateTime.UtcNow.AddDays(-3));
        var touched = SnapshotTaker.Take("compile", inputs, new Dictionary<string, string> { ["Configuration"] = "Debug" }, null).Section;
        var release = SnapshotTaker.Take("compile", inputs, new Dictionary<string, string> { ["Configuration"] = "Release" }, null).Section;

        Assert.Equal(one.Fingerprint(), touched.Fingerprint());
        Assert.NotEqual(one.Fingerprint(), release.Fingerprint());
    }

    [Fact]
    public void Dot_segments_are_normalized_and_dot_directories_are_kept()
    {
        using var dir = new Support.TempDirectory();
        string file = dir.File(".nuget/a.cs", "x");
        var inputs = new List<InputSpec>
        {
            new(InputKind.Compile, file),
            new(InputKind.Compile, Path.Combine(dir.Path, ".nuget", ".", "a.cs")),
            new(InputKind.Compile, Path.Combine(dir.Path, ".nuget", "sub", "..", "a.cs")),
        };

        var taken = SnapshotTaker.Take("compile", inputs, NoProperties, previous: null);

        Assert.Equal(file, Assert.Single(taken.Section.Entries.Values).Path);
        Assert.Equal(1, taken.Stats.Hashed);
    }

    private static void AgeAll(IEnumerable<InputSpec> inputs)
    {
        // Out of the racy window, as files are in any real tree.
        foreach (var input in inputs)
        {
            File.SetLastWriteTimeUtc(input.Path, DateTime.UtcNow.AddMinutes(-10));
        }

        // The change time moves with the utime call itself; wait out the window once.
        Thread.Sleep(SnapshotTaker.RacyWindow + TimeSpan.FromMilliseconds(100));
    }
}
