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

        Sections = byName;
        SectionNames = SnapshotSection.SortedKeys(byName.Keys);
    }

    /// <summary>The sections by name; use <see cref="SectionNames"/> for a stable order.</summary>
    public IReadOnlyDictionary<string, SnapshotSection> Sections { get; }

    /// <summary>The names of <see cref="Sections"/> in ordinal order, as they are written.</summary>
    public IReadOnlyList<string> SectionNames { get; }

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
