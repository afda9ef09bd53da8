using System.Buffers;
using System.Globalization;
using System.Text;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Snapshots;

/// <summary>
/// Reads and writes snapshot files. The format is line-based text so that a person can read it:
/// a header with the format number, a checksum over the body (so truncation or a damaged byte
/// is caught, not trusted), then one line per section, property and input.
/// </summary>
public static class SnapshotFile
{
    /// <summary>
    /// The format this version writes and the only one it reads. Format 2 changed how small
    /// content is hashed (<see cref="ContentHash"/>); format 3 added each section's stat digest
    /// (<see cref="StatDigest"/>) at the start of the body. An older file is treated as no snapshot.
    /// </summary>
    public const int CurrentFormat = 3;

    /// <summary>How the targets name a project's snapshot file (obj/.../Project.csproj.iwsnapshot).</summary>
    public const string Extension = ".iwsnapshot";

    private const string Magic = "IWSNAP";

    /// <summary>Loads the snapshot at <paramref name="path"/>, or null when there is none.</summary>
    /// <exception cref="SnapshotFormatException">The file exists but is corrupt or of a future format.</exception>
    public static Snapshot? Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotFormatException(SnapshotProblem.Corrupt, path, ex.Message);
        }

        return Parse(path, bytes);
    }

    /// <summary>Writes the snapshot unless the file already holds the same bytes.</summary>
    /// <returns>True when the file was written.</returns>
    public static bool Save(string path, Snapshot snapshot) => AtomicFile.WriteIfDifferent(path, Serialize(snapshot));

    public static byte[] Serialize(Snapshot snapshot)
    {
        var body = new StringBuilder();
        foreach (string sectionName in snapshot.SectionNames)
        {
            if (snapshot.Digests.TryGetValue(sectionName, out var digest))
            {
                body.Append("digest\t").Append(Escape(sectionName))
                    .Append('\t').Append(digest.Stat.ToString())
                    .Append('\t').Append(digest.Fingerprint.IsNone ? "-" : digest.Fingerprint.ToString())
                    .Append('\n');
                foreach (var racy in digest.Racy)
                {
                    body.Append("racy\t").Append(Escape(sectionName)).Append('\t').Append(racy.Hash.ToString()).Append('\t').Append(Escape(racy.Path)).Append('\n');
                }
            }
        }

        foreach (string sectionName in snapshot.SectionNames)
        {
            var section = snapshot.Sections[sectionName];
            body.Append("section\t").Append(Escape(section.Name)).Append('\n');
            foreach (string name in section.PropertyNames)
            {
                body.Append("prop\t").Append(Escape(name)).Append('\t').Append(Escape(section.Properties[name])).Append('\n');
            }

            foreach (var e in section.OrderedEntries())
            {
                var f = e.Facts;
                body.Append("file\t").Append(e.Kind.ToString())
                    .Append('\t').Append(e.Exists ? e.Hash.ToString() : "-")
                    .Append('\t').Append(Flags(e))
                    .Append('\t').Append(f.Length.ToString(CultureInfo.InvariantCulture))
                    .Append('\t').Append(f.ModifiedNs.ToString(CultureInfo.InvariantCulture))
                    .Append('\t').Append(f.ChangedNs.ToString(CultureInfo.InvariantCulture))
                    .Append('\t').Append(f.Device.ToString(CultureInfo.InvariantCulture))
                    .Append('\t').Append(f.FileId.ToString(CultureInfo.InvariantCulture))
                    .Append('\t').Append(Escape(e.Path))
                    .Append('\t').Append(Escape(e.Output))
                    .Append('\n');
            }
        }

        body.Append("end\n");
        byte[] bodyBytes = Encoding.UTF8.GetBytes(body.ToString());
        string header = $"{Magic} {CurrentFormat}\nsum {ContentHash.OfBytes(bodyBytes)}\n";
        byte[] headerBytes = Encoding.ASCII.GetBytes(header);
        return [.. headerBytes, .. bodyBytes];
    }

    public static Snapshot Parse(string path, byte[] bytes)
    {
        var body = CheckedBody(path, bytes);
        var digests = LeadingDigests(ref body, out int digestLines) ?? throw Corrupt(path, "a section digest line is damaged");
        return ParseBody(path, Encoding.UTF8.GetString(body), digests, firstLine: 3 + digestLines);
    }

    /// <summary>
    /// The recorded stat digest of one section, read without parsing the entries (the header and
    /// checksum are still checked); null when there is no file, no digest for that section, or
    /// the file cannot be used (the full read then reports why).
    /// </summary>
    /// <remarks>
    /// Every no-op build calls this in every step of every project, so it reads only the start
    /// of the file, where the digest lines are, and not the entries after them (tens of
    /// kilobytes, whose reading was most of a no-op step's time after the first). The checksum
    /// over the whole body is therefore not checked here. That cannot make a build stale: a
    /// damaged digest line fails to parse or to match the inputs' stat, and the full read that
    /// follows checks the checksum and reports the damage. A damaged fingerprint with a
    /// matching digest only rewrites the compile stamp, which recompiles. When the digest lines
    /// do not fit in the start, or the start cannot be read, the whole file is read and checked.
    /// </remarks>
    public static SectionDigest? ReadDigest(string path, string sectionName)
    {
        byte[] head = ArrayPool<byte>.Shared.Rent(DigestHeadSize);
        try
        {
            int filled;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1))
            {
                filled = 0;
                int read;
                while (filled < DigestHeadSize && (read = stream.Read(head, filled, DigestHeadSize - filled)) > 0)
                {
                    filled += read;
                }
            }

            ReadOnlySpan<byte> start = head.AsSpan(0, filled);
            bool whole = filled < DigestHeadSize;
            ReadOnlySpan<byte> body = whole ? CheckedBody(path, start) : start[AfterHeader(path, start, out _)..];
            var digests = LeadingDigests(ref body, out _);

            // Complete when the whole file was read, or a whole line after the digest lines was
            // (a cut-off line at the end could be the start of another digest line).
            if (digests is null || (!whole && body.IndexOf((byte)'\n') < 0))
            {
                body = CheckedBody(path, File.ReadAllBytes(path));
                digests = LeadingDigests(ref body, out _);
            }

            return digests is not null && digests.TryGetValue(sectionName, out var digest) ? digest : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SnapshotFormatException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    /// <summary>How much of the file <see cref="ReadDigest"/> reads first: the header, and digest lines of three sections with a few racy inputs each.</summary>
    private const int DigestHeadSize = 8192;

    /// <summary>
    /// The "digest" and "racy" lines at the start of the body, by section; <paramref name="body"/>
    /// is left at the first line after them. Null when one of them is damaged.
    /// </summary>
    private static Dictionary<string, SectionDigest>? LeadingDigests(ref ReadOnlySpan<byte> body, out int lines)
    {
        var digests = new Dictionary<string, SectionDigest>(StringComparer.Ordinal);
        var racy = new Dictionary<string, List<RacyInput>>(StringComparer.Ordinal);
        lines = 0;
        while (body.StartsWith("digest\t"u8) || body.StartsWith("racy\t"u8))
        {
            int newline = body.IndexOf((byte)'\n');
            if (newline < 0)
            {
                return null;
            }

            string[] fields = Encoding.UTF8.GetString(body[..newline]).Split('\t');
            body = body[(newline + 1)..];
            lines++;
            if (fields.Length != 4 || !ContentHash.TryParse(fields[2], out var hash))
            {
                return null;
            }

            string section = Unescape(fields[1]);
            if (fields[0] == "racy")
            {
                if (!racy.TryGetValue(section, out var list))
                {
                    racy[section] = list = [];
                }

                list.Add(new RacyInput(Unescape(fields[3]), hash));
            }
            else if (fields[3] == "-")
            {
                digests[section] = new SectionDigest(hash, ContentHash.None, []);
            }
            else if (ContentHash.TryParse(fields[3], out var fingerprint))
            {
                digests[section] = new SectionDigest(hash, fingerprint, []);
            }
            else
            {
                return null;
            }
        }

        foreach (var (section, inputs) in racy)
        {
            if (digests.TryGetValue(section, out var digest))
            {
                digests[section] = digest with { Racy = inputs };
            }
        }

        return digests;
    }

    /// <summary>The body after a checked header and checksum.</summary>
    private static ReadOnlySpan<byte> CheckedBody(string path, ReadOnlySpan<byte> bytes)
    {
        var body = bytes[AfterHeader(path, bytes, out var expected)..];
        if (ContentHash.OfBytes(body) != expected)
        {
            throw Corrupt(path, "the checksum does not match the content (the file is truncated or damaged)");
        }

        return body;
    }

    /// <summary>
    /// Checks the header line and reads the checksum line of <paramref name="bytes"/> (the whole
    /// file or its start); returns where the body starts.
    /// </summary>
    private static int AfterHeader(string path, ReadOnlySpan<byte> bytes, out ContentHash checksum)
    {
        // Read-only span searches, which the runtime's own precompiled code already holds;
        // Array.IndexOf<byte> would be JIT-compiled in every fresh MSBuild node.
        int firstNewline = bytes.IndexOf((byte)'\n');
        if (firstNewline < 0)
        {
            throw Corrupt(path, "no header line (the file is empty or truncated)");
        }

        string header = Encoding.ASCII.GetString(bytes[..firstNewline]);
        string[] headerParts = header.Split(' ');
        if (headerParts.Length != 2 || headerParts[0] != Magic || !int.TryParse(headerParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int format))
        {
            throw Corrupt(path, "the header is not an IncrementalWatch snapshot header");
        }

        if (format > CurrentFormat)
        {
            throw new SnapshotFormatException(SnapshotProblem.FutureFormat, path, $"format {format} is newer than the newest this version reads ({CurrentFormat})", format);
        }

        if (format >= 1 && format < CurrentFormat)
        {
            throw new SnapshotFormatException(SnapshotProblem.OlderFormat, path, $"format {format} was written by an older IncrementalWatch", format);
        }

        if (format < 1)
        {
            throw Corrupt(path, $"format {format} is not a known format");
        }

        int sumLength = bytes[(firstNewline + 1)..].IndexOf((byte)'\n');
        if (sumLength < 0)
        {
            throw Corrupt(path, "no checksum line (the file is truncated)");
        }

        int secondNewline = firstNewline + 1 + sumLength;
        string sumLine = Encoding.ASCII.GetString(bytes[(firstNewline + 1)..secondNewline]);
        if (!sumLine.StartsWith("sum ", StringComparison.Ordinal) || !ContentHash.TryParse(sumLine.AsSpan(4), out checksum))
        {
            throw Corrupt(path, "the checksum line is damaged");
        }

        return secondNewline + 1;
    }

    private static Snapshot ParseBody(string path, string body, Dictionary<string, SectionDigest> digests, int firstLine)
    {
        var sections = new List<SnapshotSection>();
        string? name = null;
        var entries = new List<SnapshotEntry>();
        var properties = new List<KeyValuePair<string, string>>();
        bool ended = false;

        void Flush()
        {
            if (name is not null)
            {
                sections.Add(new SnapshotSection(name, entries, properties));
            }

            entries = [];
            properties = [];
        }

        // Parsed from spans: a snapshot of 10,000 inputs is read on every build, so only the
        // strings that are kept (paths, names) are allocated.
        var fields = new Range[12];
        int lineNumber = firstLine - 1;
        var rest = body.AsSpan();
        while (!rest.IsEmpty)
        {
            int newline = rest.IndexOf('\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? [] : rest[(newline + 1)..];
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            if (ended)
            {
                throw Corrupt(path, $"content after the end marker (line {lineNumber})");
            }

            int count = line.Split(fields, '\t');
            var tag = line[fields[0]];
            if (tag.SequenceEqual("file") && count == 11 && name is not null)
            {
                entries.Add(ParseEntry(path, line, fields, lineNumber));
            }
            else if (tag.SequenceEqual("prop") && count == 3 && name is not null)
            {
                properties.Add(new(Unescape(line[fields[1]].ToString()), Unescape(line[fields[2]].ToString())));
            }
            else if (tag.SequenceEqual("section") && count == 2)
            {
                Flush();
                name = Unescape(line[fields[1]].ToString());
            }
            else if (tag.SequenceEqual("end") && count == 1)
            {
                ended = true;
            }
            else
            {
                throw Corrupt(path, $"line {lineNumber} is not a snapshot line");
            }
        }

        if (!ended)
        {
            throw Corrupt(path, "no end marker (the file is truncated)");
        }

        Flush();
        return new Snapshot(sections, digests);
    }

    private static SnapshotEntry ParseEntry(string path, ReadOnlySpan<char> line, Range[] f, int lineNumber)
    {
        if (!InputKindNames.TryParse(line[f[1]], ignoreCase: false, out InputKind kind)
            || !long.TryParse(line[f[4]], NumberStyles.Integer, CultureInfo.InvariantCulture, out long length)
            || !long.TryParse(line[f[5]], NumberStyles.Integer, CultureInfo.InvariantCulture, out long modified)
            || !long.TryParse(line[f[6]], NumberStyles.Integer, CultureInfo.InvariantCulture, out long changed)
            || !ulong.TryParse(line[f[7]], NumberStyles.None, CultureInfo.InvariantCulture, out ulong device)
            || !ulong.TryParse(line[f[8]], NumberStyles.None, CultureInfo.InvariantCulture, out ulong fileId))
        {
            throw Corrupt(path, $"line {lineNumber} has a damaged field");
        }

        var hashText = line[f[2]];
        bool exists = !hashText.SequenceEqual("-");
        var hash = ContentHash.None;
        if (exists && !ContentHash.TryParse(hashText, out hash))
        {
            throw Corrupt(path, $"line {lineNumber} has a damaged hash");
        }

        var flags = line[f[3]];
        var facts = exists
            ? new FileFacts(true, length, modified, changed, device, fileId, Trusted: !flags.Contains('u'))
            : FileFacts.Missing;
        return new SnapshotEntry(kind, Unescape(line[f[9]].ToString()), Unescape(line[f[10]].ToString()), facts, hash, Racy: flags.Contains('r'));
    }

    private static string Flags(SnapshotEntry e)
    {
        string flags = (e.Racy ? "r" : string.Empty) + (e.Facts.Trusted ? string.Empty : "u");
        return flags.Length == 0 ? "." : flags;
    }

    private static SnapshotFormatException Corrupt(string path, string detail) => new(SnapshotProblem.Corrupt, path, detail);

    // Tabs and newlines separate fields and lines; '%' escapes them so any path round-trips.
    private static string Escape(string value) =>
        value.IndexOfAny(['%', '\t', '\n', '\r']) < 0
            ? value
            : value.Replace("%", "%25").Replace("\t", "%09").Replace("\n", "%0A").Replace("\r", "%0D");

    private static string Unescape(string value) =>
        !value.Contains('%')
            ? value
            : value.Replace("%09", "\t").Replace("%0A", "\n").Replace("%0D", "\r").Replace("%25", "%");
}
