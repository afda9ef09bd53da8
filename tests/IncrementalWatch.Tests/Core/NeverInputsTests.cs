using System.Text.RegularExpressions;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Host.Verify;
using IncrementalWatch.Host.Watch;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Core;

/// <summary>One definition of what is never an input, used by watch, the verifier's tree state and the proof copy.</summary>
public sealed class NeverInputsTests
{
    [Fact]
    public void The_package_property_defaults_to_the_engine_list()
    {
        string props = File.ReadAllText(Path.Combine(RepoPaths.Root, "targets", "IncrementalWatch.props"));
        var value = Regex.Match(props, "<IncrementalWatchNeverInputFolders [^>]*>([^<]*)</").Groups[1].Value;
        Assert.Equal(NeverInputs.DefaultFolders, value.Split(';'));
    }

    [Fact]
    public void An_overridden_list_reaches_the_watch_filter_the_tree_state_and_the_proof_copy()
    {
        using var dir = new TempDirectory();
        dir.File("App/App.csproj", "<Project />");
        dir.File("App/Code.cs", "class C {}");
        dir.File("App/generated/big.bin", "x");
        dir.File("App/node_modules/kept.js", "x");
        dir.File("App/bin/Debug/App.dll", "x");
        var custom = NeverInputs.FromList(["generated"]);

        var filter = new PathFilter([], custom);
        Assert.True(filter.IsIgnored(Path.Combine(dir.Path, "App", "generated", "big.bin")));
        Assert.False(filter.IsIgnored(Path.Combine(dir.Path, "App", "node_modules", "kept.js")));

        var before = TreeState.Capture([dir.Path], custom);
        File.WriteAllText(dir.File("App/generated/big.bin"), "changed content");
        File.WriteAllText(dir.File("App/bin/Debug/App.dll"), "rebuilt content");
        Assert.Equal([Path.Combine(dir.Path, "App", "bin", "Debug", "App.dll")], TreeState.Capture([dir.Path], custom).ChangedSince(before));

        using var copy = WorkspaceCopy.Create(dir.Path, custom);
        Assert.True(File.Exists(Path.Combine(copy.Root, "App", "Code.cs")));
        Assert.True(File.Exists(Path.Combine(copy.Root, "App", "node_modules", "kept.js")));
        Assert.False(Directory.Exists(Path.Combine(copy.Root, "App", "generated")));
        Assert.False(Directory.Exists(Path.Combine(copy.Root, "App", "bin")));
    }

    [Fact]
    public void An_empty_list_means_the_defaults()
    {
        Assert.Same(NeverInputs.Default, NeverInputs.FromList(null));
        Assert.Same(NeverInputs.Default, NeverInputs.FromList([]));
        Assert.True(NeverInputs.Default.IsFolder("NODE_MODULES"));
    }
}
