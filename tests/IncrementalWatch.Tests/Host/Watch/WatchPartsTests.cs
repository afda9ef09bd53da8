using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Watch;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Host.Watch;

/// <summary>The watch loop's deciding parts: content baseline, filters, run settings, run slots.</summary>
public sealed class WatchPartsTests
{
    [Fact]
    public void OnlyAContentChangeCountsNotASaveOfTheSameBytesOrATouch()
    {
        using var temp = new TempDirectory();
        string file = temp.File("Program.cs", "class A {}");
        var baseline = new ContentBaseline();
        baseline.Capture(new[] { file });

        File.WriteAllText(file, "class A {}");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        Assert.False(baseline.HasChanged(file));

        var mtime = File.GetLastWriteTimeUtc(file);
        File.WriteAllText(file, "class B {}");
        File.SetLastWriteTimeUtc(file, mtime);
        Assert.True(baseline.HasChanged(file), "same size, same mtime, other content");

        baseline.Capture(new[] { file });
        Assert.False(baseline.HasChanged(file));
        File.Delete(file);
        Assert.True(baseline.HasChanged(file));
    }

    [Fact]
    public void AFileDiscoveredAfterABuildCountsAsChangedOnlyWhenItChangedSinceTheBuildStarted()
    {
        using var temp = new TempDirectory();
        string file = temp.File("New.cs", "class New {}");

        var earlier = new ContentBaseline();
        earlier.AddDiscovered(new[] { file }, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.False(earlier.HasChanged(file), "written before the build started: the build read this content");

        var during = new ContentBaseline();
        during.AddDiscovered(new[] { file }, DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.True(during.HasChanged(file), "written after the build started: the build may have read older content");
    }

    [Theory]
    [InlineData("/w/App/Program.cs", false)]
    [InlineData("/w/App/bin/Debug/net10.0/App.dll", true)]
    [InlineData("/w/App/obj/Debug/net10.0/App.AssemblyInfo.cs", true)]
    [InlineData("/w/App/.git/index", true)]
    [InlineData("/w/App/.Program.cs.swp", true)]
    [InlineData("/w/App/Program.cs~", true)]
    [InlineData("/w/App/4913", true)]
    [InlineData("/w/App/.#Program.cs", true)]
    [InlineData("/w/App/#Program.cs#", true)]
    [InlineData("/w/App/Program.cs___jb_tmp___", true)]
    [InlineData("/w/App/Data/notes.txt", false)]
    [InlineData("/w/App/node_modules/x/index.js", true)]
    [InlineData("/w/App/TestResults/a.trx", true)]
    [InlineData("/w/App/wwwroot/site.css", false)]
    public void BuildOutputsAndEditorFilesAreIgnored(string path, bool ignored)
    {
        var filter = new PathFilter(new[] { new WatchedProject("/w/App/App.csproj", "/w/App", "/w/App/bin/", "/w/App/obj/") });
        Assert.Equal(ignored, filter.IsIgnored(path));
    }

    [Theory]
    [InlineData("exec \"/a b/App.dll\" --x 1", new[] { "exec", "/a b/App.dll", "--x", "1" })]
    [InlineData("  ", new string[0])]
    [InlineData("say \"a \\\"quoted\\\" word\"", new[] { "say", "a \"quoted\" word" })]
    [InlineData("\"\"", new[] { "" })]
    public void CommandLinesSplitLikeDotnetRun(string text, string[] expected) =>
        Assert.Equal(expected, CommandLine.Split(text));

    [Fact]
    public void TheFirstProjectProfileOfLaunchSettingsIsUsed()
    {
        using var temp = new TempDirectory();
        string file = temp.File("launchSettings.json", """
            {
              // comments are allowed, as dotnet run allows them
              "profiles": {
                "Docker": { "commandName": "Docker" },
                "App": {
                  "commandName": "Project",
                  "applicationUrl": "http://127.0.0.1:5005",
                  "commandLineArgs": "--mode test",
                  "environmentVariables": { "ASPNETCORE_ENVIRONMENT": "Development" }
                }
              }
            }
            """);

        var profile = LaunchProfile.Read(file, null)!;

        Assert.Equal("App", profile.Name);
        Assert.Equal("http://127.0.0.1:5005", profile.ApplicationUrl);
        Assert.Equal("--mode test", profile.CommandLineArgs);
        Assert.Equal("Development", profile.Environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Throws<InvalidDataException>(() => LaunchProfile.Read(file, "Missing"));
        File.WriteAllText(file, "{ not json");
        Assert.Throws<InvalidDataException>(() => LaunchProfile.Read(file, null));
    }

    [Fact]
    public void ARunSlotIsReusedWhenTheOutputIsUnchangedAndUnchangedFilesAreLinked()
    {
        using var temp = new TempDirectory();
        string bin = Path.Combine(temp.Path, "bin");
        temp.File("bin/App.dll", "one");
        temp.File("bin/runtimes/x/native.so", "native");
        var slots = new OutputSlots(Path.Combine(temp.Path, "slots"));

        var (first, changed) = slots.Prepare(bin, null);
        Assert.True(changed);
        Assert.Equal("native", File.ReadAllText(Path.Combine(first.Directory, "runtimes/x/native.so")));
        Assert.Equal(Path.Combine(first.Directory, "App"), first.Map(Path.Combine(bin, "App")));

        File.WriteAllText(Path.Combine(bin, "App.dll"), "one");
        var (same, changedAgain) = slots.Prepare(bin, first);
        Assert.False(changedAgain, "rewritten with the same bytes");
        Assert.Same(first, same);

        File.WriteAllText(Path.Combine(bin, "App.dll"), "two");
        var (second, changedNow) = slots.Prepare(bin, first);
        Assert.True(changedNow);
        Assert.Equal("two", File.ReadAllText(Path.Combine(second.Directory, "App.dll")));
        Assert.Equal("one", File.ReadAllText(Path.Combine(first.Directory, "App.dll")));
        var native1 = IncrementalWatch.FileSystem.FileFactsReader.Read(Path.Combine(first.Directory, "runtimes/x/native.so"));
        var native2 = IncrementalWatch.FileSystem.FileFactsReader.Read(Path.Combine(second.Directory, "runtimes/x/native.so"));
        Assert.Equal(native1.FileId, native2.FileId);
    }
}
