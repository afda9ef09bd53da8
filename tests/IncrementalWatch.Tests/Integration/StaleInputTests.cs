using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// Builds the App -> Lib workspace, changes one input as a real tool would, rebuilds, runs the
/// program and checks which content it used. The same cases run with and without the package
/// (two test classes, so they run side by side): without it, plain MSBuild must show the stale
/// result, which proves each case tests something.
/// </summary>
public abstract class StaleInputTests(bool withPackage, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Baseline = new()
    {
        ["app-code"] = "app-code v1",
        ["app-embedded"] = "app-embedded v1",
        ["app-resx"] = "app-resx v1",
        ["app-copy"] = "app-copy v1",
        ["features"] = "Alpha,Beta",
        ["lib-code"] = "lib-code v1",
        ["lib-embedded"] = "lib-embedded v1",
        ["lib-resx"] = "lib-resx v1",
        ["lib-copy"] = "lib-copy v1",
        ["lib-differ"] = "lib-differ v1",
    };

    [Theory]
    [MemberData(nameof(StaleInputCase.Names), MemberType = typeof(StaleInputCase))]
    public void Rebuild_after_change_runs_the_expected_program(string caseName)
    {
        var testCase = StaleInputCase.Named(caseName);
        using var ws = TestWorkspace.Create("Workspace", withPackage, output, caseName);
        ws.BuildOk();
        Assert.Equal(Baseline, ws.RunApp());

        testCase.Change(ws);
        var rebuild = ws.BuildOk();
        var after = ws.RunApp();

        bool expectStale = !withPackage && testCase.StaleWithoutPackage;
        string before = testCase.Name == "tree-restore-with-old-mtimes" ? "app-copy v2-newer" : Baseline[testCase.Key];
        string expected = expectStale ? before : testCase.Expected;
        Assert.True(
            expected == after[testCase.Key],
            $"{testCase.Name} ({(withPackage ? "with" : "without")} the package): expected {testCase.Key}={expected}, got {after[testCase.Key]}. Workspace: {ws.Root}\n{TestWorkspace.Tail(rebuild.Output)}");

        // Every other line keeps its value: the change invalidated only what it should.
        foreach (var (key, value) in Baseline.Where(p => p.Key != testCase.Key && testCase.Name != "tree-restore-with-old-mtimes"))
        {
            Assert.Equal(value, after[key]);
        }

        if (testCase.Name == "tree-restore-with-old-mtimes")
        {
            Assert.Equal(expectStale ? "app-code v2-newer" : "app-code v1", after["app-code"]);
        }

        if (withPackage && testCase.Logged is not null)
        {
            Assert.Contains(testCase.Logged.Replace("{root}", ws.Root, StringComparison.Ordinal), rebuild.Output);
        }
        else if (!withPackage)
        {
            Assert.DoesNotContain("IW1", rebuild.Output);
        }

        ws.Pass();
    }
}

public sealed class StaleInputWithPackageTests(ITestOutputHelper output) : StaleInputTests(withPackage: true, output);

public sealed class StaleInputWithoutPackageTests(ITestOutputHelper output) : StaleInputTests(withPackage: false, output);

/// <summary>
/// A project whose only copies are IfDifferent items (no PreserveNewest one, so MSBuild skips
/// the PreserveNewest copy target): its copies are still checked, and a same-size edit with
/// the time kept is copied again. Without the package the old copy stays, which proves the
/// case tests something.
/// </summary>
public sealed class OnlyIfDifferentCopiesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_project_whose_only_copies_are_if_different_is_checked(bool withPackage)
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage, output, $"only-ifdifferent-{withPackage}");
        FileEdits.Replace(ws.PathOf("Lib/Lib.csproj"), "<None Update=\"lib-data.txt\" CopyToOutputDirectory=\"PreserveNewest\" />", "<None Update=\"lib-data.txt\" CopyToOutputDirectory=\"Never\" />");
        ws.BuildOk("Lib");
        string copy = ws.PathOf("Lib/bin/Debug/net10.0/lib-differ.txt");
        Assert.Equal("lib-differ v1", File.ReadAllText(copy).Trim());
        Assert.False(File.Exists(ws.PathOf("Lib/bin/Debug/net10.0/lib-data.txt")));

        FileEdits.ReplaceSameSizeKeepingExactTime(ws.PathOf("Lib/lib-differ.txt"), "lib-differ v1", "lib-differ v2");
        var rebuild = ws.BuildOk("Lib");

        Assert.Equal(withPackage ? "lib-differ v2" : "lib-differ v1", File.ReadAllText(copy).Trim());
        if (withPackage)
        {
            Assert.Contains("IW1001: " + ws.PathOf("Lib/lib-differ.txt"), rebuild.Output);
        }

        ws.Pass();
    }
}
