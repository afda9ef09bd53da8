using System.Globalization;
using System.Text;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>
/// What a section's digest stands for: the step's inputs and properties as the file system
/// showed them when the section was recorded (<see cref="Stat"/>), the compile fingerprint
/// then (none for the other steps), and the inputs that were racy then, with their content
/// hashes: their facts cannot vouch for their content, so they are read again each time.
/// </summary>
/// <remarks>Classes: collections of a struct type from this assembly would be JIT-compiled in every fresh MSBuild node.</remarks>
public sealed record SectionDigest(ContentHash Stat, ContentHash Fingerprint, IReadOnlyList<RacyInput> Racy)
{
    public bool Equals(SectionDigest? other) =>
        other is not null && Stat == other.Stat && Fingerprint == other.Fingerprint && Racy.SequenceEqual(other.Racy);

    public override int GetHashCode() => Stat.GetHashCode() ^ Fingerprint.GetHashCode() ^ Racy.Count;
}

/// <summary>An input that was racy when its section was recorded, and the content it had.</summary>
public sealed record RacyInput(string Path, ContentHash Hash);

/// <summary>
/// One hash over a step's inputs (kind, path, output and stat facts, in the order the build
/// names them) and its properties. It is recorded with a section only when every input's facts
/// are trusted (change time and file id known); a later build whose inputs give the same digest
/// and whose racy inputs (listed with the digest) still hash the same therefore has the same
/// content, and skips reading the snapshot's entries, hashing and comparing them (a no-op
/// build's usual case).
/// </summary>
public static class StatDigest
{
    /// <summary>The digest over <paramref name="facts"/>, one per input, as already read.</summary>
    public static ContentHash Of(IReadOnlyList<InputSpec> inputs, FileFacts[] facts, IReadOnlyDictionary<string, string> properties)
    {
        var text = new StringBuilder(inputs.Count * 160);
        for (int i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var f = facts[i];
            text.Append((int)input.Kind).Append('\t')
                .Append(SnapshotTaker.FullPath(input.Path)).Append('\t')
                .Append(input.Output.Length == 0 ? string.Empty : SnapshotTaker.FullPath(input.Output)).Append('\t')
                .Append(f.Exists ? '1' : '0').Append('\t')
                .Append(f.Length.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.ModifiedNs.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.ChangedNs.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.Device.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.FileId.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        foreach (string name in SnapshotSection.SortedKeys(properties.Keys))
        {
            text.Append("prop\t").Append(name).Append('=').Append(properties[name]).Append('\n');
        }

        return ContentHash.OfText(text.ToString());
    }

    /// <summary>
    /// The digest of the inputs as they are now, or <see cref="ContentHash.None"/> when some
    /// input cannot vouch for its content by its facts (no change time or file id on this
    /// system, or it cannot be examined): the step then takes the full path.
    /// </summary>
    public static ContentHash Current(IReadOnlyList<InputSpec> inputs, IReadOnlyDictionary<string, string> properties)
    {
        var facts = new FileFacts[inputs.Count];
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                facts[i] = FileFactsReader.Read(SnapshotTaker.FullPath(inputs[i].Path));
                if (!facts[i].Trusted)
                {
                    return ContentHash.None;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ContentHash.None;
        }

        return Of(inputs, facts, properties);
    }
}
