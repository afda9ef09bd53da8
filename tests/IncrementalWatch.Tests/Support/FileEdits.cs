using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Tests.Support;

/// <summary>
/// The ways real tools change a file without its timestamp moving forward: cp -p, rsync -a,
/// tar x and cache restores (old times), editors that save through a temp file and rename it
/// over the original keeping the old time, and same-size edits with the time put back.
/// </summary>
public static class FileEdits
{
    /// <summary>Replaces text, then sets the file's modification time this far before what it was.</summary>
    public static void ReplaceWithOlderTime(string path, string oldText, string newText, TimeSpan olderBy)
    {
        var before = File.GetLastWriteTimeUtc(path);
        Replace(path, oldText, newText);
        File.SetLastWriteTimeUtc(path, before - olderBy);
    }

    /// <summary>Replaces text with text of the same length and restores the exact modification time (to the nanosecond).</summary>
    public static void ReplaceSameSizeKeepingExactTime(string path, string oldText, string newText)
    {
        Assert.Equal(oldText.Length, newText.Length);
        long modifiedNs = FileFactsReader.Read(path).ModifiedNs;
        long sizeBefore = new FileInfo(path).Length;
        Replace(path, oldText, newText);
        SetExactModifiedTime(path, modifiedNs);
        Assert.Equal(sizeBefore, new FileInfo(path).Length);
        Assert.Equal(modifiedNs, FileFactsReader.Read(path).ModifiedNs);
    }

    /// <summary>Writes the new content to a temp file with the original's exact time, then renames it over the original.</summary>
    public static void RenameOverKeepingTime(string path, string oldText, string newText)
    {
        long modifiedNs = FileFactsReader.Read(path).ModifiedNs;
        string temp = path + ".tmp~";
        File.WriteAllText(temp, File.ReadAllText(path).Replace(oldText, newText, StringComparison.Ordinal));
        SetExactModifiedTime(temp, modifiedNs);
        File.Move(temp, path, overwrite: true);
    }

    public static void Replace(string path, string oldText, string newText)
    {
        string text = File.ReadAllText(path);
        Assert.Contains(oldText, text);
        File.WriteAllText(path, text.Replace(oldText, newText, StringComparison.Ordinal));
    }

    /// <summary>Sets a modification time to the nanosecond (DateTime stops at 100 ns), with touch(1).</summary>
    public static void SetExactModifiedTime(string path, long unixNs)
    {
        string stamp = $"@{unixNs / 1_000_000_000}.{unixNs % 1_000_000_000:D9}";
        var result = ProcessRunner.Run("touch", ["-m", "-d", stamp, path], Path.GetDirectoryName(path)!, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.Succeeded, result.Output);
    }
}
