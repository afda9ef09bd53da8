using System.Text;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class SnapshotFileTests
{
    private static Snapshot Sample() => new([
        new SnapshotSection(
            "compile",
            [
                new SnapshotEntry(InputKind.Compile, "/src/a b.cs", "", new FileFacts(true, 10, 1_700_000_000_123_456_789, 1_700_000_001_000_000_000, 2049, 77, true), ContentHash.OfText("a"), Racy: false),
                new SnapshotEntry(InputKind.Resx, "/src/odd\tname%.resx", "/obj/x.resources", new FileFacts(true, 3, 5, 6, 0, 0, false), ContentHash.OfText("b"), Racy: true),
                new SnapshotEntry(InputKind.Compile, "/src/gone.cs", "", FileFacts.Missing, ContentHash.None, Racy: false),
            ],
            [new("DefineConstants", "DEBUG;TRACE"), new("package:Foo", "1.0.0")]),
        new SnapshotSection("copy", [], []),
    ],
    new Dictionary<string, SectionDigest>
    {
        ["compile"] = new(ContentHash.OfText("stat"), ContentHash.OfText("fingerprint"), [new RacyInput("/src/odd\tname%.resx", ContentHash.OfText("b"))]),
        ["copy"] = new(ContentHash.OfText("copy"), ContentHash.None, []),
    });

    [Fact]
    public void Every_input_kind_is_read_back_by_its_name()
    {
        foreach (var kind in Enum.GetValues<InputKind>())
        {
            Assert.True(InputKindNames.TryParse(kind.ToString(), ignoreCase: false, out var parsed));
            Assert.Equal(kind, parsed);
            Assert.True(InputKindNames.TryParse(kind.ToString().ToLowerInvariant(), ignoreCase: true, out parsed));
            Assert.Equal(kind, parsed);
        }

        Assert.False(InputKindNames.TryParse("compile", ignoreCase: false, out _));
        Assert.False(InputKindNames.TryParse("Nonsense", ignoreCase: true, out _));
        Assert.False(InputKindNames.TryParse("0", ignoreCase: true, out _));
    }

    [Fact]
    public void Sections_and_properties_are_written_in_name_order_whatever_order_they_were_made_in()
    {
        var snapshot = new Snapshot([
            new SnapshotSection("resources", [], [new("Zeta", "1"), new("Alpha", "2")]),
            new SnapshotSection("compile", [], [new("b", "1"), new("B", "2"), new("a", "3")]),
        ]);

        string text = Encoding.UTF8.GetString(SnapshotFile.Serialize(snapshot));
        string[] lines = text.Split('\n').Where(l => l.StartsWith("section", StringComparison.Ordinal) || l.StartsWith("prop", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["section\tcompile", "prop\tB\t2", "prop\ta\t3", "prop\tb\t1", "section\tresources", "prop\tAlpha\t2", "prop\tZeta\t1"], lines);
        Assert.Equal(["compile", "resources"], snapshot.SectionNames);
    }

    [Fact]
    public void Round_trips_every_field_including_odd_paths()
    {
        var original = Sample();
        var bytes = SnapshotFile.Serialize(original);
        var parsed = SnapshotFile.Parse("x", bytes);

        Assert.Equal(original.Sections.Keys, parsed.Sections.Keys);
        var before = original.Sections["compile"];
        var after = parsed.Sections["compile"];
        Assert.Equal(before.OrderedEntries(), after.OrderedEntries());
        Assert.Equal(before.Properties, after.Properties);
        Assert.Equal(before.Fingerprint(), after.Fingerprint());
        Assert.Equal(original.Digests, parsed.Digests);
        Assert.Equal(bytes, SnapshotFile.Serialize(parsed));
    }

    [Fact]
    public void A_section_digest_is_read_without_the_entries_and_never_from_a_damaged_file()
    {
        using var dir = new Support.TempDirectory();
        string path = Path.Combine(dir.Path, "p.iwsnapshot");
        Assert.Null(SnapshotFile.ReadDigest(path, "compile")); // no file

        var bytes = SnapshotFile.Serialize(Sample());
        File.WriteAllBytes(path, bytes);
        Assert.Equal(Sample().Digests["compile"], SnapshotFile.ReadDigest(path, "compile"));
        Assert.Equal(ContentHash.None, SnapshotFile.ReadDigest(path, "copy")!.Fingerprint);
        Assert.Null(SnapshotFile.ReadDigest(path, "resources"));

        // One byte of the body changed: the checksum fails, so no digest is trusted.
        bytes[^10] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Null(SnapshotFile.ReadDigest(path, "compile"));
    }

    /// <summary>
    /// A snapshot larger than the start ReadDigest reads: the digest comes from the start, and
    /// digest lines that run past it are read whole. Damage past the start is found by the full
    /// read, which is what runs when a digest does not match.
    /// </summary>
    [Fact]
    public void A_digest_is_read_from_the_start_of_a_large_snapshot_and_whole_when_its_lines_run_past_it()
    {
        using var dir = new Support.TempDirectory();
        string path = Path.Combine(dir.Path, "p.iwsnapshot");
        var facts = new FileFacts(true, 10, 1_700_000_000_123_456_789, 1_700_000_001_000_000_000, 2049, 77, true);
        var entries = Enumerable.Range(0, 400).Select(i => new SnapshotEntry(InputKind.Compile, $"/src/file{i:D4}.cs", "", facts, ContentHash.OfText(i.ToString()), Racy: false)).ToList();
        SectionDigest Digest(int racy) => new(ContentHash.OfText("stat"), ContentHash.OfText("fingerprint"),
            Enumerable.Range(0, racy).Select(i => new RacyInput($"/src/racy/{new string('r', 100)}{i}.cs", ContentHash.OfText(i.ToString()))).ToList());
        Snapshot With(SectionDigest digest) => new([new SnapshotSection("compile", entries, [])], new Dictionary<string, SectionDigest> { ["compile"] = digest });

        var small = Digest(racy: 2);
        byte[] bytes = SnapshotFile.Serialize(With(small));
        Assert.True(bytes.Length > 4 * 8192);
        bytes[^100] ^= 1; // an entry near the end
        File.WriteAllBytes(path, bytes);
        var read = SnapshotFile.ReadDigest(path, "compile");
        Assert.Equal(small, read);
        Assert.Equal(2, read!.Racy.Count);
        Assert.Throws<SnapshotFormatException>(() => SnapshotFile.Load(path));

        // Racy lines past the start: read whole, so every racy input is listed (and the checksum checked).
        var large = Digest(racy: 120);
        bytes = SnapshotFile.Serialize(With(large));
        File.WriteAllBytes(path, bytes);
        Assert.Equal(120, SnapshotFile.ReadDigest(path, "compile")!.Racy.Count);
        bytes[^100] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Null(SnapshotFile.ReadDigest(path, "compile"));
    }

    [Fact]
    public void Every_truncation_is_detected()
    {
        var bytes = SnapshotFile.Serialize(Sample());
        for (int length = 0; length < bytes.Length; length++)
        {
            var ex = Assert.Throws<SnapshotFormatException>(() => SnapshotFile.Parse("snap", bytes[..length]));
            Assert.Equal(SnapshotProblem.Corrupt, ex.Problem);
        }
    }

    [Fact]
    public void A_changed_byte_in_the_body_is_detected()
    {
        var bytes = SnapshotFile.Serialize(Sample());
        int index = Encoding.UTF8.GetString(bytes).IndexOf("DEBUG", StringComparison.Ordinal);
        bytes[index] = (byte)'X';
        Assert.Equal(SnapshotProblem.Corrupt, Assert.Throws<SnapshotFormatException>(() => SnapshotFile.Parse("snap", bytes)).Problem);
    }

    [Fact]
    public void A_future_format_is_reported_as_such()
    {
        var ex = Assert.Throws<SnapshotFormatException>(() => SnapshotFile.Parse("snap", "IWSNAP 7\nsum 00\n"u8.ToArray()));
        Assert.Equal(SnapshotProblem.FutureFormat, ex.Problem);
        Assert.Equal(7, ex.Format);
    }

    [Fact]
    public void A_missing_file_is_no_snapshot_rather_than_an_error()
    {
        using var dir = new Support.TempDirectory();
        Assert.Null(SnapshotFile.Load(Path.Combine(dir.Path, "none.iwsnapshot")));
    }

    [Fact]
    public void Saving_the_same_snapshot_twice_writes_once()
    {
        using var dir = new Support.TempDirectory();
        string path = Path.Combine(dir.Path, "s.iwsnapshot");
        Assert.True(SnapshotFile.Save(path, Sample()));
        Assert.False(SnapshotFile.Save(path, Sample()));
    }
}
