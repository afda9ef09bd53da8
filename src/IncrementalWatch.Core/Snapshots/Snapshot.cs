namespace IncrementalWatch.Snapshots;

/// <summary>A project's snapshot: its sections by name, kept in one file in obj/.</summary>
public sealed class Snapshot
{
    public Snapshot(IEnumerable<SnapshotSection>? sections = null)
    {
        Sections = new SortedDictionary<string, SnapshotSection>(StringComparer.Ordinal);
        foreach (var section in sections ?? [])
        {
            Sections[section.Name] = section;
        }
    }

    public SortedDictionary<string, SnapshotSection> Sections { get; }

    public SnapshotSection? Find(string name) => Sections.TryGetValue(name, out var section) ? section : null;

    /// <summary>A copy of this snapshot with <paramref name="section"/> put in place of the one of its name.</summary>
    public Snapshot With(SnapshotSection section)
    {
        var copy = new Snapshot(Sections.Values);
        copy.Sections[section.Name] = section;
        return copy;
    }
}
