using System.Text;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>
/// The part of a snapshot taken at one point of the build (before resource generation, before
/// compilation, before copying to the output folder): its inputs and the properties that shape
/// the outputs.
/// </summary>
public sealed class SnapshotSection
{
    public SnapshotSection(string name, IEnumerable<SnapshotEntry> entries, IEnumerable<KeyValuePair<string, string>> properties)
    {
        Name = name;
        Entries = new SortedDictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            Entries[entry.Key] = entry;
        }

        Properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in properties)
        {
            Properties[pair.Key] = pair.Value;
        }
    }

    public string Name { get; }

    public SortedDictionary<string, SnapshotEntry> Entries { get; }

    public SortedDictionary<string, string> Properties { get; }

    /// <summary>
    /// One hash over what this section's outputs depend on: each input's role, path and content,
    /// and each property. Stat facts are left out, so touching a file does not change it.
    /// </summary>
    public ContentHash Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var entry in Entries.Values)
        {
            text.Append(entry.Key).Append('\t').Append(entry.Exists ? entry.Hash.ToString() : "missing").Append('\n');
        }

        foreach (var pair in Properties)
        {
            text.Append("prop\t").Append(pair.Key).Append('=').Append(pair.Value).Append('\n');
        }

        return ContentHash.OfText(text.ToString());
    }
}
