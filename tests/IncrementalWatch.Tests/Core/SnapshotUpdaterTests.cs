using IncrementalWatch.Diagnostics;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class SnapshotUpdaterTests
{
    private static readonly Dictionary<string, string> NoProperties = [];

    [Fact]
    public void Compile_stamp_is_rewritten_only_when_content_or_properties_change()
    {
        using var dir = new Support.TempDirectory();
        string source = dir.File("src/a.cs", "v1");
        var request = new SnapshotRequest("P", Path.Combine(dir.Path, "obj/p.iwsnapshot"), BuildStep.Compile, [new(InputKind.Compile, source)], NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile"));

        var first = SnapshotUpdater.Run(request);
        Assert.True(first.StampWritten);
        Assert.Contains(first.Diagnostics, d => d.Code == "IW1007");

        var same = SnapshotUpdater.Run(request);
        Assert.False(same.StampWritten);
        Assert.False(same.SnapshotWritten);
        Assert.DoesNotContain(same.Diagnostics, d => d.Code != "IW1000");

        File.WriteAllText(source, "v2");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddHours(-1));
        var changed = SnapshotUpdater.Run(request);
        Assert.True(changed.StampWritten);
        Assert.Contains(changed.Diagnostics, d => d.Code == "IW1001" && d.Message.Contains(source));

        var release = SnapshotUpdater.Run(request with { Properties = new Dictionary<string, string> { ["Configuration"] = "Release" } });
        Assert.True(release.StampWritten);
        Assert.Contains(release.Diagnostics, d => d.Code == "IW1005" && d.Message.Contains("Configuration"));
    }

    /// <summary>
    /// A file touched without a content change (a checkout, a package extracted again, a tool
    /// that rewrites the same bytes) gets its recorded facts brought up to date, with nothing
    /// redone, so the next no-op step is decided by the stat digest again; a later content
    /// change is still caught.
    /// </summary>
    [Fact]
    public void A_timestamp_that_moved_without_a_content_change_refreshes_the_facts()
    {
        using var dir = new Support.TempDirectory();
        var sources = Enumerable.Range(0, 20).Select(i => dir.File($"src/f{i}.cs", $"v{i}")).ToList();
        string snapshotPath = Path.Combine(dir.Path, "obj/p.iwsnapshot");
        var request = new SnapshotRequest("P", snapshotPath, BuildStep.Compile, sources.Select(s => new InputSpec(InputKind.Compile, s)).ToList(), NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile"));
        void Age(string path, int hours) => File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-hours));
        sources.ForEach(s => Age(s, 5));
        Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
        SnapshotUpdater.Run(request);

        // One file rewritten with the same bytes, on each of two builds: each time the facts are
        // refreshed, nothing is recompiled, and the next step is a no-op by the stat digest.
        for (int build = 0; build < 2; build++)
        {
            File.WriteAllText(sources[0], "v0");
            Age(sources[0], 4 - build);
            Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
            var refreshed = SnapshotUpdater.Run(request);
            Assert.False(refreshed.ByDigest);
            Assert.True(refreshed.SnapshotWritten);
            Assert.False(refreshed.StampWritten);
            Assert.True(refreshed.Stats!.Hashed >= 1);
            Assert.DoesNotContain(refreshed.Diagnostics, d => d.Code != "IW1000");
            var after = SnapshotUpdater.Run(request);
            Assert.True(after.ByDigest);
            Assert.False(after.SnapshotWritten);
        }

        // Its content then changes with the same size and an old timestamp: still caught.
        File.WriteAllText(sources[0], "w0");
        Age(sources[0], 6);
        var changed = SnapshotUpdater.Run(request);
        Assert.True(changed.StampWritten);
        Assert.Contains(changed.Diagnostics, d => d.Code == "IW1001" && d.Message.Contains(sources[0]));

        // Every file touched (a checkout): brought up to date once, with no recompilation.
        sources.ForEach(s => Age(s, 2));
        Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
        var touched = SnapshotUpdater.Run(request);
        Assert.True(touched.SnapshotWritten);
        Assert.False(touched.StampWritten);
        var settled = SnapshotUpdater.Run(request);
        Assert.False(settled.SnapshotWritten);
        Assert.True(settled.ByDigest);
    }

    /// <summary>
    /// The same inputs named in another order (items reordered in a project, a new release of
    /// the package passing its lists differently) are the same content, so nothing is redone;
    /// the digest, which follows the order, is recorded again once, so the next no-op step is
    /// decided by it instead of taking the full path on every build.
    /// </summary>
    [Fact]
    public void Inputs_named_in_another_order_redo_nothing_and_record_the_digest_again()
    {
        using var dir = new Support.TempDirectory();
        var sources = Enumerable.Range(0, 3).Select(i => dir.File($"src/f{i}.cs", $"v{i}")).ToList();
        string snapshotPath = Path.Combine(dir.Path, "obj/p.iwsnapshot");
        var request = new SnapshotRequest("P", snapshotPath, BuildStep.Compile, sources.Select(s => new InputSpec(InputKind.Compile, s)).ToList(), NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile"));
        Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
        SnapshotUpdater.Run(request);
        Assert.True(SnapshotUpdater.Run(request).ByDigest);

        var reordered = request with { Inputs = request.Inputs.Reverse().ToList() };
        var once = SnapshotUpdater.Run(reordered);
        Assert.False(once.ByDigest);
        Assert.False(once.StampWritten);
        Assert.DoesNotContain(once.Diagnostics, d => d.Code != "IW1000");
        Assert.True(once.SnapshotWritten);
        var next = SnapshotUpdater.Run(reordered);
        Assert.True(next.ByDigest);
        Assert.False(next.SnapshotWritten);
    }

    /// <summary>
    /// The snapshot one step read or wrote is handed to the next step of the build, which then
    /// needs no parse; a file rewritten meanwhile (another build, a restored obj/) is read again.
    /// </summary>
    /// <summary>
    /// The usual no-op step reads no entry and hashes nothing: the inputs' facts give the stat
    /// digest recorded with the section. Any change of facts takes the full path, so a
    /// same-size edit whose modification time was put back (the change time still moves) and a
    /// property change are caught as before.
    /// </summary>
    [Fact]
    public void A_no_op_step_is_decided_by_the_stat_digest_and_any_change_takes_the_full_path()
    {
        using var dir = new Support.TempDirectory();
        string source = dir.File("src/a.cs", "const string V = \"v1\";");
        string snapshotPath = Path.Combine(dir.Path, "obj/p.iwsnapshot");
        var request = new SnapshotRequest("P", snapshotPath, BuildStep.Compile, [new(InputKind.Compile, source)], NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile"));

        // Past the racy window of a file system with sub-second times, as in any real tree.
        Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
        var first = SnapshotUpdater.Run(request);
        Assert.False(first.ByDigest);
        Assert.Equal(first.Fingerprint, SnapshotFile.Load(snapshotPath)!.Digests["compile"].Fingerprint);

        var again = SnapshotUpdater.Run(request);
        Assert.True(again.ByDigest);
        Assert.Equal(0, again.Stats!.Hashed);
        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.False(again.StampWritten);
        Assert.False(again.SnapshotWritten);

        long mtime = IncrementalWatch.FileSystem.FileFactsReader.Read(source).ModifiedNs;
        File.WriteAllText(source, "const string V = \"v2\";");
        Support.FileEdits.SetExactModifiedTime(source, mtime);
        Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
        var changed = SnapshotUpdater.Run(request);
        Assert.False(changed.ByDigest);
        Assert.True(changed.StampWritten);
        Assert.Contains(changed.Diagnostics, d => d.Code == "IW1001" && d.Message.Contains(source));
        Assert.True(SnapshotUpdater.Run(request).ByDigest);
        var release = SnapshotUpdater.Run(request with { Properties = new Dictionary<string, string> { ["Configuration"] = "Release" } });
        Assert.False(release.ByDigest);
        Assert.Contains(release.Diagnostics, d => d.Code == "IW1005");

        // Written just before the step (as the SDK writes generated sources before compiling),
        // the file is racy: its facts cannot vouch for it, so the digest lists it with its hash
        // and a no-op step reads that one file again, and nothing else.
        File.WriteAllText(source, "const string V = \"v3\";");
        var written = SnapshotUpdater.Run(request);
        Assert.True(written.StampWritten);
        var digest = SnapshotFile.Load(snapshotPath)!.Digests["compile"];
        bool racy = SnapshotFile.Load(snapshotPath)!.Sections["compile"].Entries.Values.Single().Racy;
        Assert.Equal(racy ? [source] : Array.Empty<string>(), digest.Racy.Select(r => r.Path));
        var next = SnapshotUpdater.Run(request);
        Assert.Equal(written.Fingerprint, next.Fingerprint);
        Assert.DoesNotContain(next.Diagnostics, d => d.Code == "IW1001");

        // Once out of the racy window, one step records it settled (a snapshot write, nothing
        // redone); from then on a no-op step reads no file at all.
        Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
        var settled = SnapshotUpdater.Run(request);
        Assert.Equal(written.Fingerprint, settled.Fingerprint);
        Assert.False(settled.StampWritten);
        Assert.DoesNotContain(settled.Diagnostics, d => d.Code is "IW1001" or "IW1007");
        Assert.Empty(SnapshotFile.Load(snapshotPath)!.Digests["compile"].Racy);
        var after = SnapshotUpdater.Run(request);
        Assert.True(after.ByDigest);
        Assert.Equal(0, after.Stats!.Hashed);
        Assert.Equal(written.Fingerprint, after.Fingerprint);
    }

    [Fact]
    public void The_next_step_reuses_the_loaded_snapshot_only_while_the_file_is_unchanged()
    {
        using var dir = new Support.TempDirectory();
        string source = dir.File("src/a.cs", "v1");
        string copied = dir.File("src/data.txt", "d1");
        string snapshotPath = Path.Combine(dir.Path, "obj/p.iwsnapshot");
        var compile = new SnapshotRequest("P", snapshotPath, BuildStep.Compile, [new(InputKind.Compile, source)], NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile"));
        var copy = new SnapshotRequest("P", snapshotPath, BuildStep.Copy, [new(InputKind.CopyToOutput, copied, dir.File("bin/data.txt", "d1"))], NoProperties);

        var compiled = SnapshotUpdater.Run(compile);
        Assert.NotNull(compiled.Loaded);
        Assert.Same(compiled.Loaded!.Snapshot, compiled.Loaded.IfCurrent(snapshotPath));

        // The copy step gets the compile section from the handed-over snapshot and keeps it.
        var copiedResult = SnapshotUpdater.Run(copy, compiled.Loaded);
        Assert.NotNull(copiedResult.Loaded!.Snapshot.Find("compile"));
        Assert.NotNull(SnapshotFile.Load(snapshotPath)!.Find("compile"));
        Assert.Null(compiled.Loaded.IfCurrent(snapshotPath)); // the copy step rewrote the file

        // A no-op build: the compile step reuses what the copy step left and changes nothing.
        var again = SnapshotUpdater.Run(compile, copiedResult.Loaded);
        Assert.False(again.SnapshotWritten);
        Assert.False(again.StampWritten);
        Assert.Same(copiedResult.Loaded.Snapshot, again.Loaded!.Snapshot);

        // Rewritten by someone else (here: deleted, so everything is new again): not trusted.
        File.Delete(snapshotPath);
        Assert.Null(again.Loaded.IfCurrent(snapshotPath));
        var fresh = SnapshotUpdater.Run(compile, again.Loaded);
        Assert.Contains(fresh.Diagnostics, d => d.Code == "IW1007");
    }

    [Fact]
    public void Resources_and_copies_remove_only_the_stale_output()
    {
        using var dir = new Support.TempDirectory();
        string changed = dir.File("src/a.txt", "a1");
        string unchanged = dir.File("src/b.txt", "b1");
        string changedCopy = dir.File("bin/a.txt", "a1");
        string unchangedCopy = dir.File("bin/b.txt", "b1");
        var request = new SnapshotRequest("P", Path.Combine(dir.Path, "obj/p.iwsnapshot"), BuildStep.Copy,
            [new(InputKind.CopyToOutput, changed, changedCopy), new(InputKind.CopyToOutput, unchanged, unchangedCopy)], NoProperties);

        // The first run has no snapshot: every copy is redone.
        var first = SnapshotUpdater.Run(request);
        Assert.Equal(2, first.RemovedOutputs.Count);
        File.WriteAllText(changedCopy, "a1");
        File.WriteAllText(unchangedCopy, "b1");

        File.WriteAllText(changed, "a2");
        var second = SnapshotUpdater.Run(request);
        Assert.Equal([changedCopy], second.RemovedOutputs);
        Assert.True(File.Exists(unchangedCopy));
        Assert.Equal("a2", File.ReadAllText(changed));
    }

    [Fact]
    public void A_corrupt_snapshot_warns_once_and_counts_everything_as_changed()
    {
        using var dir = new Support.TempDirectory();
        string snapshot = dir.File("obj/p.iwsnapshot", $"IWSNAP {SnapshotFile.CurrentFormat}\nsum nonsense\n");
        string stamp = dir.File("obj/p.iwcompile", "whatever\n");
        File.SetLastWriteTimeUtc(stamp, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var request = new SnapshotRequest("P", snapshot, BuildStep.Compile, [new(InputKind.Compile, dir.File("a.cs", "x"))], NoProperties, stamp);

        var result = SnapshotUpdater.Run(request);

        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal("IW2001", warning.Code);
        Assert.Equal(snapshot, warning.File);
        Assert.True(result.StampWritten);
        Assert.True(File.GetLastWriteTimeUtc(stamp) > DateTime.UtcNow.AddMinutes(-1));
        Assert.NotNull(SnapshotFile.Load(snapshot));
    }

    [Fact]
    public void A_snapshot_an_older_version_wrote_counts_as_none_without_a_warning()
    {
        using var dir = new Support.TempDirectory();
        string snapshot = dir.File("obj/p.iwsnapshot", "IWSNAP 1\nsum 0123456789abcdef0123456789abcdef\nend\n");
        string stamp = dir.File("obj/p.iwcompile", "whatever\n");
        File.SetLastWriteTimeUtc(stamp, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var request = new SnapshotRequest("P", snapshot, BuildStep.Compile, [new(InputKind.Compile, dir.File("a.cs", "x"))], NoProperties, stamp);

        var result = SnapshotUpdater.Run(request);

        Assert.DoesNotContain(result.Diagnostics, d => d.Severity != DiagnosticSeverity.Message);
        Assert.Contains(result.Diagnostics, d => d.Code == "IW1007");
        Assert.True(result.StampWritten);
        Assert.StartsWith($"IWSNAP {SnapshotFile.CurrentFormat}\n", File.ReadAllText(snapshot));
    }

    [Fact]
    public void An_unreadable_input_is_an_error_and_the_snapshot_is_not_advanced()
    {
        using var dir = new Support.TempDirectory();
        string bad = Path.Combine(dir.Path, "bad.cs");
        Directory.CreateDirectory(bad);
        string snapshot = Path.Combine(dir.Path, "obj/p.iwsnapshot");
        var result = SnapshotUpdater.Run(new SnapshotRequest("P", snapshot, BuildStep.Compile, [new(InputKind.Compile, bad)], NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile")));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("IW3001", error.Code);
        Assert.Equal(bad, error.File);
        Assert.Contains(bad, error.Message);
        Assert.False(File.Exists(snapshot));
    }

    [Fact]
    public void A_changed_package_version_is_reported_and_recompiles()
    {
        using var dir = new Support.TempDirectory();
        string assets = dir.File("obj/project.assets.json", """{ "libraries": { "Foo/1.0": { "type": "package" } } }""");
        var request = new SnapshotRequest("P", Path.Combine(dir.Path, "obj/p.iwsnapshot"), BuildStep.Compile, [], NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile"), assets);
        SnapshotUpdater.Run(request);

        File.WriteAllText(assets, """{ "libraries": { "Foo/1.0.0": { "type": "package" } } }""");
        Assert.False(SnapshotUpdater.Run(request).StampWritten);

        File.WriteAllText(assets, """{ "libraries": { "Foo/1.1.0": { "type": "package" } } }""");
        var bumped = SnapshotUpdater.Run(request);
        Assert.True(bumped.StampWritten);
        Assert.Contains(bumped.Diagnostics, d => d.Code == "IW1006" && d.Message.Contains("Foo now resolves to 1.1.0 (was 1.0.0)"));
    }
}
