using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class SectionDiffTests
{
    private static SnapshotEntry Entry(string path, string content, long mtime = 100) =>
        new(InputKind.Compile, path, "", new FileFacts(true, content.Length, mtime, mtime, 1, 1, true), ContentHash.OfText(content), false);

    [Fact]
    public void Classifies_added_removed_and_modified_by_content()
    {
        var before = new SnapshotSection("compile", [Entry("/a", "1"), Entry("/b", "2"), Entry("/c", "3")], [new("P", "x")]);
        var after = new SnapshotSection("compile", [Entry("/a", "1", mtime: 999), Entry("/b", "2-changed", mtime: 50), Entry("/d", "4")], [new("P", "y"), new("Q", "z")]);

        var diff = SectionDiff.Compare(before, after);

        Assert.Collection(
            diff.Inputs.OrderBy(c => c.Current.Path),
            b => { Assert.Equal(ChangeKind.Modified, b.Kind); Assert.True(b.TimestampDidNotAdvance); },
            c => Assert.Equal(ChangeKind.Removed, c.Kind),
            d => Assert.Equal(ChangeKind.Added, d.Kind));
        Assert.Equal([new PropertyChange("P", "x", "y"), new PropertyChange("Q", null, "z")], diff.Properties);
    }

    [Fact]
    public void A_touched_file_with_the_same_content_is_no_change()
    {
        var before = new SnapshotSection("compile", [Entry("/a", "1", mtime: 1)], []);
        var after = new SnapshotSection("compile", [Entry("/a", "1", mtime: 2)], []);
        Assert.True(SectionDiff.Compare(before, after).IsEmpty);
    }
}
