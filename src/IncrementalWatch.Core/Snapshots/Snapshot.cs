namespace IncrementalWatch.Snapshots;

/// <summary>A project's snapshot: its sections by name, kept in one file in obj/.</summary>
public sealed class Snapshot
{
    public Snapshot(IEnumerable<SnapshotSection>? sections = null, IReadOnlyDictionary<string, SectionDigest>? digests = null)
    {
        var byName = new Dictionary<string, SnapshotSection>(StringComparer.Ordinal);
        foreach (var section in sections ?? [])
        {
            byName[section.Name] = section;
        }

        Sections = byName;
        SectionNames = SnapshotSection.SortedKeys(byName.Keys);
        var kept = new Dictionary<string, SectionDigest>(StringComparer.Ordinal);
        foreach (var (name, digest) in digests ?? new Dictionary<string, SectionDigest>())
        {
            if (byName.ContainsKey(name))
            {
                kept[name] = digest;
            }
        }

        Digests = kept;
    }

    /// <summary>The sections by name; use <see cref="SectionNames"/> for a stable order.</summary>
    public IReadOnlyDictionary<string, SnapshotSection> Sections { get; }

    /// <summary>The names of <see cref="Sections"/> in ordinal order, as they are written.</summary>
    public IReadOnlyList<string> SectionNames { get; }

    /// <summary>The stat digest of each section recorded when its inputs' facts could vouch for their content (see <see cref="StatDigest"/>).</summary>
    public IReadOnlyDictionary<string, SectionDigest> Digests { get; }

    public SnapshotSection? Find(string name) => Sections.TryGetValue(name, out var section) ? section : null;

    /// <summary>
    /// A copy of this snapshot with <paramref name="section"/> put in place of the one of its
    /// name, and its digest (none: the section has no digest, as when some input was racy).
    /// </summary>
    public Snapshot With(SnapshotSection section, SectionDigest? digest = null)
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
        var digests = new Dictionary<string, SectionDigest>(StringComparer.Ordinal);
        foreach (var (name, kept) in Digests)
        {
            if (name != section.Name)
            {
                digests[name] = kept;
            }
        }

        if (digest is not null)
        {
            digests[section.Name] = digest;
        }

        return new Snapshot(sections, digests);
    }
}
