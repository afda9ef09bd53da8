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
        Entries = new Dictionary<string, SnapshotEntry>(PathComparison.Comparer);
        foreach (var entry in entries)
        {
            Entries[entry.Key] = entry;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in properties)
        {
            values[pair.Key] = pair.Value;
        }

        Properties = values;
        PropertyNames = SortedKeys(values.Keys);
    }

    public string Name { get; }

    /// <summary>The inputs by <see cref="SnapshotEntry.Key"/>; use <see cref="OrderedEntries"/> for a stable order.</summary>
    public Dictionary<string, SnapshotEntry> Entries { get; }

    /// <summary>
    /// Every property kept with the section, including bookkeeping ones (see
    /// <see cref="BookkeepingPrefix"/>); <see cref="OutputProperties"/> are those that shape outputs.
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>The names of <see cref="Properties"/> in ordinal order, as they are written and compared.</summary>
    public IReadOnlyList<string> PropertyNames { get; }

    /// <summary>
    /// Properties under this prefix are bookkeeping (such as the stat of the assets file whose
    /// versions were read): kept with the section, but never compared or fingerprinted.
    /// </summary>
    public const string BookkeepingPrefix = "cache:";

    /// <summary>
    /// The folder of the project the section was taken for. Inputs are recorded with full paths,
    /// so a snapshot carried to another folder (a cache restored elsewhere) must say where it
    /// belongs: the build then redoes the work (the property differs), and verification refuses
    /// to vouch for outputs recorded for another tree.
    /// </summary>
    public const string ProjectDirectoryProperty = "ProjectDirectory";

    /// <summary>The properties that shape the outputs, in name order: what is compared and fingerprinted.</summary>
    public IEnumerable<KeyValuePair<string, string>> OutputProperties
    {
        get
        {
            foreach (string name in PropertyNames)
            {
                if (!name.StartsWith(BookkeepingPrefix, StringComparison.Ordinal))
                {
                    yield return new KeyValuePair<string, string>(name, Properties[name]);
                }
            }
        }
    }

    /// <summary>The entries in key order, as they are written and fingerprinted.</summary>
    public IEnumerable<SnapshotEntry> OrderedEntries()
    {
        foreach (string key in SortedKeys(Entries.Keys))
        {
            yield return Entries[key];
        }
    }

    // Sorting plain strings runs on the runtime's precompiled code; sorted containers of
    // key-value pairs would be JIT-compiled in every fresh MSBuild node (a few milliseconds).
    internal static string[] SortedKeys(IEnumerable<string> keys)
    {
        string[] sorted = [.. keys];
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    /// <summary>
    /// Compares with <paramref name="other"/> in two ways: whether the content differs (an input
    /// added, removed or with other content, an output property changed), and how many entries
    /// differ only in what was seen of the file (stat facts, the racy mark, bookkeeping).
    /// </summary>
    /// <returns>
    /// -1 when the content differs; otherwise the number of entries and bookkeeping properties
    /// whose recorded facts are out of date (0: the sections are identical).
    /// </returns>
    public int StaleFactsAgainst(SnapshotSection other)
    {
        if (Name != other.Name || Entries.Count != other.Entries.Count)
        {
            return -1;
        }

        int stale = 0;
        foreach (var (name, value) in Properties)
        {
            bool same = other.Properties.TryGetValue(name, out string? theirs) && theirs == value;
            if (!same)
            {
                if (!name.StartsWith(BookkeepingPrefix, StringComparison.Ordinal))
                {
                    return -1;
                }

                stale++;
            }
        }

        foreach (var name in other.Properties.Keys)
        {
            if (!Properties.ContainsKey(name))
            {
                if (!name.StartsWith(BookkeepingPrefix, StringComparison.Ordinal))
                {
                    return -1;
                }

                stale++;
            }
        }

        foreach (var (key, entry) in Entries)
        {
            if (!other.Entries.TryGetValue(key, out var theirs) || !theirs.SameContentAs(entry))
            {
                return -1;
            }

            if (!theirs.Equals(entry))
            {
                stale++;
            }
        }

        return stale;
    }

    /// <summary>
    /// One hash over what this section's outputs depend on: each input's role, path and content,
    /// and each property. Stat facts are left out, so touching a file does not change it.
    /// </summary>
    public ContentHash Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var entry in OrderedEntries())
        {
            text.Append(entry.Key).Append('\t').Append(entry.Exists ? entry.Hash.ToString() : "missing").Append('\n');
        }

        foreach (var pair in OutputProperties)
        {
            text.Append("prop\t").Append(pair.Key).Append('=').Append(pair.Value).Append('\n');
        }

        return ContentHash.OfText(text.ToString());
    }
}
