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
