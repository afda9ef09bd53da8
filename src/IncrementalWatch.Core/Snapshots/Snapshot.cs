namespace IncrementalWatch.Snapshots;

/// <summary>A project's snapshot: its sections by name, kept in one file in obj/.</summary>
public sealed class Snapshot
{
    public Snapshot(IEnumerable<SnapshotSection>? sections = null)
    {
        var byName = new Dictionary<string, SnapshotSection>(StringComparer.Ordinal);
        foreach (var section in sections ?? [])
        {
            byName[section.Name] = section;
        }

        // Kept in name order, the order they are written in.
        var ordered = new Dictionary<string, SnapshotSection>(byName.Count, StringComparer.Ordinal);
        foreach (string name in SnapshotSection.SortedKeys(byName.Keys))
        {
            ordered[name] = byName[name];
        }

        Sections = ordered;
    }

    /// <summary>The sections by name; enumerated in ordinal name order.</summary>
    public IReadOnlyDictionary<string, SnapshotSection> Sections { get; }

    public SnapshotSection? Find(string name) => Sections.TryGetValue(name, out var section) ? section : null;

    /// <summary>A copy of this snapshot with <paramref name="section"/> put in place of the one of its name.</summary>
    public Snapshot With(SnapshotSection section)
    {
        var sections = new List<SnapshotSection>(Sections.Count + 1);
        foreach (var existing in Sections.Values)
        {
            if (existing.Name != section.Name)
            {
                sections.Add(existing);
            }
        }

        sections.Add(section);
        return new Snapshot(sections);
    }
}
