using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>
/// A snapshot as its file was when one build step last read or wrote it, kept for the next
/// step of the same build so the file is parsed once per build, not once per step. It is used
/// only while the file's stat facts (size, times, file id) are still the ones recorded here;
/// anything else that rewrote the file makes it be read again.
/// </summary>
public sealed record LoadedSnapshot(FileFacts Facts, Snapshot Snapshot)
{
    /// <summary>The snapshot at <paramref name="path"/> if this one is still what the file holds.</summary>
    public Snapshot? IfCurrent(string path)
    {
        var now = FileFactsReader.Read(path);
        return now.Exists && now.Trusted && now == Facts ? Snapshot : null;
    }

    /// <summary>Records what <paramref name="path"/> holds now: <paramref name="snapshot"/>, as just read or written.</summary>
    public static LoadedSnapshot? Of(string path, Snapshot snapshot)
    {
        var facts = FileFactsReader.Read(path);
        return facts.Exists && facts.Trusted ? new LoadedSnapshot(facts, snapshot) : null;
    }
}
