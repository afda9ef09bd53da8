using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Tests.Core;

public sealed class FileFactsReaderTests
{
    [Fact]
    public void Reads_size_and_times_of_a_file()
    {
        using var dir = new Support.TempDirectory();
        string path = dir.File("a.txt", "hello");
        var facts = FileFactsReader.Read(path);

        Assert.True(facts.Exists);
        Assert.Equal(5, facts.Length);
        var expected = (File.GetLastWriteTimeUtc(path).Ticks - DateTime.UnixEpoch.Ticks) * 100;
        Assert.InRange(facts.ModifiedNs, expected - 100, expected + 100);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(facts.Trusted);
            Assert.NotEqual(0UL, facts.FileId);
            Assert.NotEqual(0L, facts.ChangedNs);
        }
    }

    [Fact]
    public void A_missing_path_is_missing_not_an_error()
    {
        using var dir = new Support.TempDirectory();
        Assert.False(FileFactsReader.Read(Path.Combine(dir.Path, "nope", "x.cs")).Exists);
    }

    [Fact]
    public void A_directory_is_an_error()
    {
        using var dir = new Support.TempDirectory();
        Assert.Throws<IOException>(() => FileFactsReader.Read(dir.Path));
    }

    [Fact]
    public void Restoring_the_modification_time_after_an_edit_still_changes_the_facts()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var dir = new Support.TempDirectory();
        string path = dir.File("a.txt", "v1");
        var before = FileFactsReader.Read(path);
        Thread.Sleep(20);
        File.WriteAllText(path, "v2");
        Support.FileEdits.SetExactModifiedTime(path, before.ModifiedNs);
        var after = FileFactsReader.Read(path);

        Assert.Equal(before.ModifiedNs, after.ModifiedNs);
        Assert.Equal(before.Length, after.Length);
        Assert.NotEqual(before, after);
        Assert.True(after.ChangedNs > before.ChangedNs);
    }

    [Fact]
    public void Renaming_a_file_over_another_changes_the_file_id()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var dir = new Support.TempDirectory();
        string path = dir.File("a.txt", "v1");
        string temp = dir.File("a.txt.tmp", "v2");
        var before = FileFactsReader.Read(path);
        File.Move(temp, path, overwrite: true);
        Assert.NotEqual(before.FileId, FileFactsReader.Read(path).FileId);
    }
}
