using System.Text;
using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// The staleness matrix on testassets/Shapes, a solution shaped like a real repository: a
/// library multi-targeting netstandard2.0 and net10.0 with a neutral and a French (satellite)
/// .resx, an xunit test project as `dotnet new xunit` makes it, and a Razor Pages app. Each
/// input gets new content with a timestamp an hour older (as cp -p or a cache restore leave it);
/// every output made from it is then read for the new content: each target framework's
/// assembly, each satellite assembly, and the copies in the consuming app. Without the package
/// plain MSBuild must keep every old output, which proves each case tests something.
/// </summary>
public abstract class RealShapeStaleTests(bool withPackage, ITestOutputHelper output)
{
    private static readonly string[] Frameworks = ["netstandard2.0", "net10.0"];

    /// <summary>An input, its marker text, and the outputs that must hold the new marker.</summary>
    private sealed record Change(string Input, string Marker, string[] Outputs);

    // Round one: code and copied content. Round two: resources and Razor, which reach the
    // assembly through resource generation and the Razor source generator.
    private static readonly Change[][] Rounds =
    [
        [
            new("Text/Greeter.cs", "text-code", [.. Frameworks.Select(f => $"Text/bin/Debug/{f}/Text.dll"), "Pages/bin/Debug/net10.0/Text.dll"]),
            new("Text.Tests/UnitTest1.cs", "tests-code", ["Text.Tests/bin/Debug/net10.0/Text.Tests.dll"]),
            new("Pages/appsettings.json", "pages-settings", ["Pages/bin/Debug/net10.0/appsettings.json"]),
        ],
        [
            new("Text/Strings.resx", "text-neutral", [.. Frameworks.Select(f => $"Text/bin/Debug/{f}/Text.dll")]),
            new("Text/Strings.fr.resx", "text-french", [.. Frameworks.Select(f => $"Text/bin/Debug/{f}/fr/Text.resources.dll"), "Pages/bin/Debug/net10.0/fr/Text.resources.dll"]),
            new("Pages/Pages/Index.cshtml", "page-razor", ["Pages/bin/Debug/net10.0/Pages.dll"]),
        ],
    ];

    [Fact]
    public void Every_framework_satellite_and_page_is_rebuilt_from_the_new_content()
    {
        using var ws = TestWorkspace.Create("Shapes", withPackage, output, $"shapes-{(withPackage ? "with" : "without")}");
        ws.BuildOk("Shapes.slnx");
        var all = Rounds.SelectMany(r => r).ToList();
        Assert.All(all, c => Assert.All(c.Outputs, o => AssertHolds(ws, o, $"{c.Marker} v1")));

        foreach (var round in Rounds)
        {
            foreach (var change in round)
            {
                FileEdits.ReplaceWithOlderTime(ws.PathOf(change.Input), $"{change.Marker} v1", $"{change.Marker} v2", TimeSpan.FromHours(1));
            }

            var rebuild = ws.BuildOk("Shapes.slnx");
            foreach (var change in round)
            {
                string expected = withPackage ? $"{change.Marker} v2" : $"{change.Marker} v1";
                Assert.All(change.Outputs, o => AssertHolds(ws, o, expected, rebuild.Output));
                if (withPackage)
                {
                    // Named once per build that reads it: each target framework of Text says so.
                    string logged = $"IW1001: {ws.PathOf(change.Input)}";
                    int builds = change.Input.StartsWith("Text/", StringComparison.Ordinal) ? Frameworks.Length : 1;
                    Assert.True(Occurrences(rebuild.Output, logged) >= builds, $"expected '{logged}' {builds} times:\n{TestWorkspace.Tail(rebuild.Output)}");
                }
            }

            if (!withPackage)
            {
                Assert.DoesNotContain("IW1", rebuild.Output);
            }
        }

        if (withPackage)
        {
            // The build after the rebuilds has nothing to do (it records the files the last
            // rebuild wrote just before a step as settled). From the next one on, every step of
            // every project and target framework (both of Text, its satellite resources, the
            // pages, the tests) is decided by the stat digest, as on a real multi-targeted
            // library (Markdig).
            Assert.DoesNotMatch(@"IW100[1-8]", ws.BuildOk("Shapes.slnx").Output);
            ws.BuildOk("Shapes.slnx");
            var summaries = new Binlog(ws.LastBinlog!).Messages().Where(m => m.Contains("IncrementalWatch snapshot of ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Frameworks.Length, summaries.Count(m => m.Contains("snapshot of 'Text' (compile)", StringComparison.Ordinal)));
            Assert.All(summaries, m => Assert.EndsWith("by the stat digest.", m));
        }

        ws.Pass();
    }

    /// <summary>An output holds a marker when its bytes contain it as UTF-8 (resources, JSON) or UTF-16 (C# and Razor string literals).</summary>
    private static void AssertHolds(TestWorkspace ws, string relative, string marker, string? log = null)
    {
        string path = ws.PathOf(relative);
        Assert.True(File.Exists(path), $"{relative} was not built");
        byte[] bytes = File.ReadAllBytes(path);
        bool found = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(marker)) >= 0;
        Assert.True(found, $"{relative} does not hold '{marker}' ({(ws.WithPackage ? "with" : "without")} the package). Workspace: {ws.Root}\n{(log is null ? "" : TestWorkspace.Tail(log))}");
    }

    private static int Occurrences(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

public sealed class RealShapeStaleWithPackageTests(ITestOutputHelper output) : RealShapeStaleTests(withPackage: true, output);

public sealed class RealShapeStaleWithoutPackageTests(ITestOutputHelper output) : RealShapeStaleTests(withPackage: false, output);
