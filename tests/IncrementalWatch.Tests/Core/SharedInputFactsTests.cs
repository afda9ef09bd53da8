using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class SharedInputFactsTests
{
    private static readonly Dictionary<string, string> NoProperties = new();

    [Fact]
    public void Facts_under_a_shared_folder_are_read_once_per_instance_and_others_every_time()
    {
        using var dir = new Support.TempDirectory();
        string packaged = dir.File("packages/lib/1.0.0/lib/net8.0/Lib.dll", "v1");
        string nextDoor = dir.File("packages-local/Other.dll", "v1");
        string own = dir.File("src/a.cs", "v1");
        var build = new SharedInputFacts([Path.Combine(dir.Path, "packages"), "", Path.Combine(dir.Path, "packages") + Path.DirectorySeparatorChar]);

        Assert.True(build.IsShared(packaged));
        Assert.False(build.IsShared(nextDoor));
        Assert.False(build.IsShared(own));
        var first = new[] { packaged, nextDoor, own }.Select(build.Read).ToArray();

        foreach (var path in new[] { packaged, nextDoor, own })
        {
            File.WriteAllText(path, "version two");
        }

        Assert.Equal(first[0], build.Read(packaged));
        Assert.NotEqual(first[1], build.Read(nextDoor));
        Assert.NotEqual(first[2], build.Read(own));
        Assert.NotEqual(first[0], new SharedInputFacts([Path.Combine(dir.Path, "packages")]).Read(packaged));

        // A project in or at a shared folder is not served by it; one beside it is.
        Assert.True(build.Holds(Path.Combine(dir.Path, "packages")));
        Assert.True(build.Holds(Path.Combine(dir.Path, "packages", "lib") + Path.DirectorySeparatorChar));
        Assert.False(build.Holds(Path.Combine(dir.Path, "src")));
        Assert.False(build.Holds(Path.Combine(dir.Path, "packages-local")));
    }

    /// <summary>
    /// The next build (a new instance) sees a package file whose content changed with its old
    /// timestamp: the stat digest no longer matches and the change is found by content.
    /// </summary>
    [Fact]
    public void The_next_build_sees_a_shared_input_that_changed_with_an_old_timestamp()
    {
        using var dir = new Support.TempDirectory();
        string packages = Path.Combine(dir.Path, "packages");
        string reference = dir.File("packages/lib/1.0.0/lib/net8.0/Lib.dll", "v1");
        string source = dir.File("src/a.cs", "class A {}");
        var old = DateTime.UtcNow.AddHours(-5);
        File.SetLastWriteTimeUtc(reference, old);
        File.SetLastWriteTimeUtc(source, old);
        Thread.Sleep(SnapshotTaker.FineRacyWindow * 3);
        SnapshotRequest Request() => new(
            "P", Path.Combine(dir.Path, "obj/p.iwsnapshot"), BuildStep.Compile,
            [new InputSpec(InputKind.Compile, source), new InputSpec(InputKind.Reference, reference)],
            NoProperties, Path.Combine(dir.Path, "obj/p.iwcompile"), SharedFacts: new SharedInputFacts([packages]));

        SnapshotUpdater.Run(Request());
        Assert.True(SnapshotUpdater.Run(Request()).ByDigest);

        File.WriteAllText(reference, "v2");
        File.SetLastWriteTimeUtc(reference, old);
        var next = SnapshotUpdater.Run(Request());

        Assert.False(next.ByDigest);
        Assert.True(next.StampWritten);
        Assert.Contains(next.Diagnostics, d => d.Code == "IW1001" && d.Message.Contains(reference));
    }
}
