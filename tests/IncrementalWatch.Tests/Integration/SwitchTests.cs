using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>IncrementalWatchEnabled=false, dotnet clean, --no-incremental and -t:Rebuild.</summary>
public sealed class SwitchTests(ITestOutputHelper output)
{
    private static readonly string[] OwnFiles =
    [
        "App/obj/Debug/net10.0/App.csproj.iwsnapshot",
        "App/obj/Debug/net10.0/App.csproj.iwcompile",
        "Lib/obj/Debug/net10.0/Lib.csproj.iwsnapshot",
        "Lib/obj/Debug/net10.0/Lib.csproj.iwcompile",
    ];

    [Fact]
    public void Disabled_package_does_nothing()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk("App", "-p:IncrementalWatchEnabled=false");
        Assert.All(OwnFiles, f => Assert.False(File.Exists(ws.PathOf(f)), $"{f} written while disabled"));

        FileEdits.ReplaceWithOlderTime(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v2-disabled", TimeSpan.FromHours(1));
        var rebuild = ws.BuildOk("App", "-p:IncrementalWatchEnabled=false");

        // Exactly plain MSBuild: the change with an old timestamp is missed, nothing is logged.
        Assert.Equal("app-code v1", ws.RunApp()["app-code"]);
        Assert.DoesNotContain("IW1", rebuild.Output);
        Assert.DoesNotContain("_IncrementalWatchCheck", string.Join('\n', new Binlog(ws.LastBinlog!).Targets("App.csproj", "_IncrementalWatchCheckCompile").Where(t => !t.Skipped).Select(t => t.Name)));

        // Turned back on, the first build has no snapshot, so it redoes everything and is right.
        ws.BuildOk();
        Assert.Equal("app-code v2-disabled", ws.RunApp()["app-code"]);
        ws.Pass();
    }

    [Fact]
    public void Clean_removes_the_snapshot()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk();
        Assert.All(OwnFiles, f => Assert.True(File.Exists(ws.PathOf(f)), $"{f} missing after build"));

        var clean = ws.Dotnet("clean", "App");
        Assert.True(clean.Succeeded, clean.Output);
        Assert.All(OwnFiles, f => Assert.False(File.Exists(ws.PathOf(f)), $"{f} left by dotnet clean"));
        ws.Pass();
    }

    [Theory]
    [InlineData("--no-incremental")]
    [InlineData("-t:Rebuild")]
    public void Rebuild_builds_everything_and_leaves_a_fresh_snapshot(string rebuildSwitch)
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output, rebuildSwitch.Trim('-').Replace(':', '-'));
        ws.BuildOk();
        FileEdits.ReplaceWithOlderTime(ws.PathOf("Lib/LibCode.cs"), "lib-code v1", "lib-code v2-rebuilt", TimeSpan.FromHours(1));

        var rebuild = ws.BuildOk("App", rebuildSwitch);
        Assert.Equal("lib-code v2-rebuilt", ws.RunApp()["lib-code"]);
        Assert.All(OwnFiles, f => Assert.True(File.Exists(ws.PathOf(f)), $"{f} missing after {rebuildSwitch}"));

        // Rebuild cleans first, so there is no previous snapshot to warn about: no warnings at all.
        Assert.DoesNotContain("warning IW", rebuild.Output);

        // The snapshot it left is current: the next build is a no-op.
        var next = ws.BuildOk();
        Assert.DoesNotMatch(@"IW100[1-8]", next.Output);
        ws.Pass();
    }
}
