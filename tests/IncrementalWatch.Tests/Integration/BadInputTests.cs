using IncrementalWatch.Snapshots;
using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// Bad input never turns into a stale build: a damaged snapshot is reported and everything
/// counts as changed; an input that cannot be read is an error naming it; two builds at once
/// leave a whole snapshot.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    private const string AppSnapshot = "App/obj/Debug/net10.0/App.csproj.iwsnapshot";

    public static IEnumerable<object[]> Damages =>
    [
        ["garbage", "IW2001"],
        ["truncated", "IW2001"],
        ["future-format", "IW2002"],
    ];

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_snapshot_warns_and_rebuilds_everything(string damage, string code)
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output, damage);
        ws.BuildOk();
        string snapshot = ws.PathOf(AppSnapshot);
        byte[] bytes = File.ReadAllBytes(snapshot);
        switch (damage)
        {
            case "garbage":
                File.WriteAllBytes(snapshot, "\u0001\u0002 not a snapshot \u00ff"u8.ToArray());
                break;
            case "truncated":
                File.WriteAllBytes(snapshot, bytes[..(bytes.Length / 2)]);
                break;
            default:
                File.WriteAllText(snapshot, "IWSNAP 99\nsum 0\nsomething newer\n");
                break;
        }

        // A content change the timestamps hide: only a rebuild of everything catches it now.
        FileEdits.ReplaceWithOlderTime(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v2-damaged", TimeSpan.FromHours(1));
        var rebuild = ws.BuildOk();

        Assert.Contains($"warning {code}", rebuild.Output);
        Assert.Contains(snapshot, rebuild.Output);
        Assert.Equal("app-code v2-damaged", ws.RunApp()["app-code"]);
        Assert.NotNull(SnapshotFile.Load(snapshot));
        ws.Pass();
    }

    [Fact]
    public void Unreadable_input_is_an_error_naming_it()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);

        // As root every file is readable, so make the input a directory: it exists, and it cannot be read.
        Directory.CreateDirectory(ws.PathOf("App/settings.json"));
        File.WriteAllText(ws.PathOf("App/Directory.Build.targets"), """
            <Project>
              <ItemGroup>
                <AdditionalFiles Include="settings.json" />
              </ItemGroup>
            </Project>
            """);
        var build = ws.Build();

        Assert.False(build.Succeeded);
        Assert.Matches(@"error IW3001: Cannot read the build input '[^']*/App/settings\.json'", build.Output);
        ws.Pass();
    }

    [Fact]
    public void Two_builds_at_once_leave_a_whole_snapshot()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk();
        FileEdits.ReplaceWithOlderTime(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v2-concurrent", TimeSpan.FromHours(1));

        // Two builds of the same projects race on obj/; either may fail on the compiler's own
        // outputs, but neither may leave a partial snapshot or a stale program behind.
        var builds = Enumerable.Range(0, 2)
            .Select(_ => System.Threading.Tasks.Task.Run(() => ws.Build("App", "--no-restore")))
            .ToArray();
        System.Threading.Tasks.Task.WaitAll(builds, TimeSpan.FromMinutes(6));
        Assert.All(builds, b => Assert.True(b.IsCompletedSuccessfully));

        foreach (string project in new[] { "App", "Lib" })
        {
            string snapshot = ws.PathOf($"{project}/obj/Debug/net10.0/{project}.csproj.iwsnapshot");
            Assert.NotNull(SnapshotFile.Load(snapshot));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(snapshot)!, "*.tmp"));
        }

        ws.BuildOk();
        Assert.Equal("app-code v2-concurrent", ws.RunApp()["app-code"]);
        ws.Pass();
    }
}
