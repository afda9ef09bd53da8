namespace IncrementalWatch.Snapshots;

/// <summary>How one input differs between two snapshots.</summary>
public enum ChangeKind
{
    Added,
    Removed,
    Modified,
}

/// <summary>An input whose presence or content differs from the previous snapshot.</summary>
public sealed record InputChange(ChangeKind Kind, SnapshotEntry? Before, SnapshotEntry? After)
{
    /// <summary>The entry as it is now, or as it was when it was removed.</summary>
    public SnapshotEntry Current => After ?? Before!;

    /// <summary>
    /// True for a content change whose modification time did not move forward: the change that
    /// MSBuild's timestamp comparison misses.
    /// </summary>
    public bool TimestampDidNotAdvance =>
        Kind == ChangeKind.Modified && Before!.Exists && After!.Exists
        && After.Facts.ModifiedNs <= Before.Facts.ModifiedNs;
}

/// <summary>A property whose value differs from the previous snapshot.</summary>
public sealed record PropertyChange(string Name, string? Before, string? After);

/// <summary>The differences between a section's previous and current snapshot, by content.</summary>
public sealed class SectionDiff
{
    private SectionDiff(IReadOnlyList<InputChange> inputs, IReadOnlyList<PropertyChange> properties)
    {
        Inputs = inputs;
        Properties = properties;
    }

    /// <summary>No difference at all.</summary>
    public static SectionDiff Empty { get; } = new([], []);

    public IReadOnlyList<InputChange> Inputs { get; }

    public IReadOnlyList<PropertyChange> Properties { get; }

    public bool IsEmpty => Inputs.Count == 0 && Properties.Count == 0;

    public static SectionDiff Compare(SnapshotSection before, SnapshotSection after)
    {
        var inputs = new List<InputChange>();
        foreach (var (key, now) in after.Entries)
        {
            if (!before.Entries.TryGetValue(key, out var then))
            {
                inputs.Add(new InputChange(ChangeKind.Added, null, now));
            }
            else if (!now.SameContentAs(then))
            {
                inputs.Add(new InputChange(
                    then.Exists && !now.Exists ? ChangeKind.Removed : !then.Exists && now.Exists ? ChangeKind.Added : ChangeKind.Modified,
                    then,
                    now));
            }
        }

        foreach (var (key, then) in before.Entries)
        {
            if (!after.Entries.ContainsKey(key))
            {
                inputs.Add(new InputChange(ChangeKind.Removed, then, null));
            }
        }

        var properties = new List<PropertyChange>();
        var oldValues = new Dictionary<string, string>(before.OutputProperties, StringComparer.Ordinal);
        var newValues = new Dictionary<string, string>(after.OutputProperties, StringComparer.Ordinal);
        foreach (var (name, value) in newValues)
        {
            oldValues.TryGetValue(name, out string? old);
            if (old != value)
            {
                properties.Add(new PropertyChange(name, old, value));
            }
        }

        foreach (var (name, old) in oldValues)
        {
            if (!newValues.ContainsKey(name))
            {
                properties.Add(new PropertyChange(name, old, null));
            }
        }

        return new SectionDiff(inputs, properties);
    }
}
