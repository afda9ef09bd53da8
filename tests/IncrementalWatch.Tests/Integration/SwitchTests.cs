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

    /// <summary>
    /// A build in which the package's steps do not run (switched off, a design-time build, an
    /// MSBuild that cannot load the tasks) keeps the snapshots: IncrementalClean must not delete
    /// them, so the next normal build compiles nothing.
    /// </summary>
    /// <remarks>
    /// After `dotnet build -p:DesignTimeBuild=true` plain MSBuild compiles once more by itself
    /// (its CoreCompileInputs.cache differs; measured without the package too), so that case
    /// checks only that the package added no work of its own.
    /// </remarks>
    [Theory]
    [InlineData("-p:IncrementalWatchEnabled=false", false)]
    [InlineData("-p:DesignTimeBuild=true", true)]
    [InlineData("-p:_IncrementalWatchMSBuildRuntimeType=Full", false)]
    public void A_build_without_the_steps_keeps_the_snapshots(string skipSwitch, bool plainMSBuildRecompiles)
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output, "keeps-" + skipSwitch.Split('=')[0].TrimStart('-', 'p', ':', '_'));
        ws.BuildOk();
        ws.BuildOk("App", skipSwitch);
        Assert.All(OwnFiles, f => Assert.True(File.Exists(ws.PathOf(f)), $"{f} deleted by a build with {skipSwitch}"));

        ws.BuildOk();
        var log = new Binlog(ws.LastBinlog!);
        foreach (string project in plainMSBuildRecompiles ? [] : new[] { "App.csproj", "Lib.csproj" })
        {
            var compile = log.Targets(project, "CoreCompile");
            Assert.NotEmpty(compile);
            Assert.All(compile, t => Assert.DoesNotContain(log.TasksIn(t), task => task.Name == "Csc"));
        }

        Assert.DoesNotMatch(@"IW100[1-8]", File.ReadAllText(ws.PathOf("logs/03-build.log")));
        ws.Pass();
    }

    /// <summary>
    /// Visual Studio's MSBuild (on .NET Framework) cannot load the tasks. MSBuildRuntimeType is
    /// reserved, so the test stands in for it: the build succeeds as plain MSBuild with one IW1009
    /// message, and Watch and the CI check say with IW3006 that they need dotnet build.
    /// </summary>
    [Fact]
    public void An_msbuild_that_cannot_load_the_tasks_builds_plainly_and_says_so()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        var build = ws.BuildOk("App", "-p:_IncrementalWatchMSBuildRuntimeType=Full");
        Assert.Contains("IW1009: IncrementalWatch is off in this build", build.Output);
        Assert.DoesNotMatch(@"IW100[0-8]|IW2|IW3", build.Output);
        Assert.All(OwnFiles, f => Assert.False(File.Exists(ws.PathOf(f)), $"{f} written by an MSBuild that cannot load the tasks"));

        foreach (string target in new[] { "-t:Watch", "-t:VerifyCacheInvalidation" })
        {
            var refused = ws.Build("App", target, "-p:_IncrementalWatchMSBuildRuntimeType=Full");
            Assert.False(refused.Succeeded);
            Assert.Contains("error IW3006", refused.Output);
            Assert.DoesNotContain("   at ", refused.Output);
        }

        ws.Pass();
    }

    /// <summary>
    /// The package carries two builds of the tasks: tools/net10.0/ (ReadyToRun for linux-x64) for
    /// an MSBuild on .NET 10 or later on linux-x64, tools/net8.0/ everywhere else. Both must load
    /// and catch a change MSBuild alone misses. Other platforms are stood in for by the RID.
    /// </summary>
    [Theory]
    [InlineData("", "net10.0")]
    [InlineData("win-x64", "net8.0")]
    [InlineData("linux-musl-arm64", "net8.0")]
    public void Each_build_of_the_tasks_loads_where_it_is_chosen_and_catches_a_stale_input(string rid, string expected)
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output, "tasks-" + expected + "-" + (rid.Length == 0 ? "here" : rid));
        string[] extra = rid.Length == 0 ? [] : [$"-p:_IncrementalWatchMSBuildRid={rid}"];
        ws.BuildOk("App", extra);

        var checks = new Binlog(ws.LastBinlog!).Tasks("CheckBuildStep");
        Assert.NotEmpty(checks);
        string folder = Path.Combine("tools", expected, "IncrementalWatch.Tasks.dll");
        Assert.All(checks, t => Assert.EndsWith(folder, t.FromAssembly, StringComparison.Ordinal));

        FileEdits.ReplaceWithOlderTime(ws.PathOf("Lib/LibCode.cs"), "lib-code v1", "lib-code v2-" + expected, TimeSpan.FromHours(1));
        var rebuild = ws.BuildOk("App", extra);
        Assert.Contains("IW1001", rebuild.Output);
        Assert.Equal("lib-code v2-" + expected, ws.RunApp()["lib-code"]);
        ws.Pass();
    }

    /// <summary>A task assembly that is missing, or is not an assembly, is named in an error; no stack trace.</summary>
    [Fact]
    public void A_task_assembly_that_cannot_load_is_named()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        string missing = ws.PathOf("no-such/IncrementalWatch.Tasks.dll");
        var build = ws.Build("App", $"-p:IncrementalWatchTasksAssembly={missing}");
        Assert.False(build.Succeeded);
        Assert.Contains($"error IW3005: The IncrementalWatch task assembly '{missing}' does not exist", build.Output);

        string garbage = ws.PathOf("IncrementalWatch.Tasks.dll");
        File.WriteAllText(garbage, "not an assembly");
        var bad = ws.Build("App", $"-p:IncrementalWatchTasksAssembly={garbage}");
        Assert.False(bad.Succeeded);
        Assert.Contains(garbage, bad.Output);
        Assert.DoesNotContain("   at ", bad.Output);
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
