using System.Buffers;
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
    /// <remarks>
    /// It runs on every no-op build of every project, so the lines are hashed as they are made,
    /// through one small buffer: building the text whole cost a string and a byte array of
    /// tens of kilobytes per step (past 85 KB, on the large object heap of the MSBuild node).
    /// The value is the same as <see cref="ContentHash.OfText"/> of that text (XXH64 and the
    /// length) for text under <see cref="ContentHash.SmallLimit"/>; above it, still XXH64 and
    /// the length, which only has to agree with itself.
    /// </remarks>
    public static ContentHash Of(IReadOnlyList<InputSpec> inputs, FileFacts[] facts, IReadOnlyDictionary<string, string> properties)
    {
        var hasher = new Xxh64();
        var line = new StringBuilder(512);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        long length = 0;
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                var f = facts[i];
                line.Clear();
                line.Append((int)input.Kind).Append('\t')
                    .Append(SnapshotTaker.FullPath(input.Path)).Append('\t')
                    .Append(input.Output.Length == 0 ? string.Empty : SnapshotTaker.FullPath(input.Output)).Append('\t')
                    .Append(f.Exists ? '1' : '0').Append('\t');
                AppendNumber(line, f.Length).Append('\t');
                AppendNumber(line, f.ModifiedNs).Append('\t');
                AppendNumber(line, f.ChangedNs).Append('\t');
                AppendNumber(line, f.Device).Append('\t');
                AppendNumber(line, f.FileId).Append('\n');
                length += Append(hasher, line, ref buffer);
            }

            foreach (string name in SnapshotSection.SortedKeys(properties.Keys))
            {
                line.Clear();
                line.Append("prop\t").Append(name).Append('=').Append(properties[name]).Append('\n');
                length += Append(hasher, line, ref buffer);
            }

            return new ContentHash(hasher.Digest(), (ulong)length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Invariant digits without a string per number.
    private static StringBuilder AppendNumber(StringBuilder line, long value)
    {
        Span<char> digits = stackalloc char[24];
        value.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
        return line.Append(digits[..written]);
    }

    private static StringBuilder AppendNumber(StringBuilder line, ulong value)
    {
        Span<char> digits = stackalloc char[24];
        value.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
        return line.Append(digits[..written]);
    }

    /// <summary>Hashes one line as UTF-8; returns its length in bytes.</summary>
    private static int Append(Xxh64 hasher, StringBuilder line, ref byte[] buffer)
    {
        int most = Encoding.UTF8.GetMaxByteCount(line.Length);
        if (most > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(most);
        }

        int written = 0;
        foreach (var chunk in line.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, buffer.AsSpan(written));
        }

        hasher.Append(buffer.AsSpan(0, written));
        return written;
    }

    /// <summary>
    /// The digest of the inputs as they are now, or <see cref="ContentHash.None"/> when some
    /// input cannot vouch for its content by its facts (no change time or file id on this
    /// system, or it cannot be examined): the step then takes the full path.
    /// </summary>
    /// <param name="shared">Facts this build already read of inputs under folders no build step writes; null to read every input.</param>
    public static ContentHash Current(IReadOnlyList<InputSpec> inputs, IReadOnlyDictionary<string, string> properties, SharedInputFacts? shared = null)
    {
        var facts = new FileFacts[inputs.Count];
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                string path = SnapshotTaker.FullPath(inputs[i].Path);
                facts[i] = shared is null ? FileFactsReader.Read(path) : shared.Read(path);
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
