using IncrementalWatch.Host.Verify;
using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>dotnet build -t:VerifyCacheInvalidation on the App -> Lib workspace, through the packed package.</summary>
public sealed class VerifyTests(ITestOutputHelper output)
{
    private const string Report = "App/TestResults/IncrementalWatch/";

    [Fact]
    public void A_clean_workspace_passes_and_gets_markdown_and_junit_reports()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk();
        var verify = Verify(ws);

        Assert.True(verify.Succeeded, TestWorkspace.Tail(verify.Output));
        Assert.Contains("IncrementalWatch verify App: PASSED", verify.Output);
        string markdown = File.ReadAllText(ws.PathOf(Report + "App.md"));
        Assert.Contains("✅ | second build does no work", markdown);
        Assert.Contains("✅ | Lib | outputs match", markdown);
        var junit = System.Xml.Linq.XDocument.Load(ws.PathOf(Report + "App.junit.xml")).Root!;
        Assert.Equal("0", junit.Attribute("failures")!.Value);
        Assert.True(int.Parse(junit.Attribute("tests")!.Value) >= 3);
        Assert.True(File.Exists(ws.PathOf(Report + "App.second.binlog")));
        ws.Pass();
    }

    /// <summary>
    /// TouchDataEveryBuild touches an input with its content kept: the package refreshes its
    /// snapshot's facts for it in the second build, and only the target is named, never the package.
    /// </summary>
    [Fact]
    public void Targets_that_work_on_every_build_are_caught_with_the_reason_from_the_log_and_can_be_allowed()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        FileEdits.Replace(ws.PathOf("App/App.csproj"), "</Project>", """
              <Target Name="StampEveryBuild" AfterTargets="Build">
                <WriteLinesToFile File="$(IntermediateOutputPath)stamp.txt" Lines="built" Overwrite="true" />
              </Target>
              <Target Name="EchoEveryBuild" AfterTargets="Build">
                <Exec Command="echo hello" />
              </Target>
              <Target Name="NeverWritesItsOutput" AfterTargets="Build" Inputs="$(MSBuildProjectFullPath)" Outputs="$(IntermediateOutputPath)never.txt">
                <Exec Command="echo working" />
              </Target>
              <Target Name="TouchDataEveryBuild" BeforeTargets="BeforeBuild">
                <Touch Files="app-data.txt" />
              </Target>
            </Project>
            """);
        var verify = Verify(ws);

        Assert.False(verify.Succeeded);
        Assert.Contains("error IW3203: App: target StampEveryBuild of your repository (" + ws.PathOf("App/App.csproj") + ") did work in a second build with nothing changed (no Inputs/Outputs", verify.Output);
        Assert.Contains("wrote a file (WriteLinesToFile); changed on disk: stamp.txt", verify.Output);
        Assert.Contains("error IW3203: App: target EchoEveryBuild of your repository (" + ws.PathOf("App/App.csproj") + ") did work in a second build with nothing changed (no Inputs/Outputs", verify.Output);
        Assert.Contains("ran Exec: echo hello", verify.Output);
        Assert.Contains("error IW3203: App: target NeverWritesItsOutput of your repository (" + ws.PathOf("App/App.csproj") + ") did work in a second build with nothing changed (output missing: ", verify.Output);
        Assert.DoesNotContain("target CoreCompile", verify.Output);
        Assert.DoesNotContain("target GenerateMSBuildEditorConfigFileCore", verify.Output);
        Assert.Contains("❌ | App: EchoEveryBuild", File.ReadAllText(ws.PathOf(Report + "App.md")));
        Assert.Contains("error IW3203: App: target TouchDataEveryBuild of your repository (" + ws.PathOf("App/App.csproj") + ")", verify.Output);
        Assert.DoesNotContain("_IncrementalWatch", verify.Output);
        Assert.DoesNotContain(".iwsnapshot", verify.Output);

        var allowed = Verify(ws, "-p:IncrementalWatchAllowedTargets=StampEveryBuild%3BEchoEveryBuild%3BNeverWritesItsOutput%3BTouchDataEveryBuild");
        Assert.True(allowed.Succeeded, TestWorkspace.Tail(allowed.Output));
        Assert.DoesNotContain("_IncrementalWatch", allowed.Output);
        Assert.Contains("☑️ allowed | App: EchoEveryBuild", File.ReadAllText(ws.PathOf(Report + "App.md")));
        ws.Pass();
    }

    [Fact]
    public void Outputs_built_from_other_content_are_caught_an_old_timestamp_edit_and_a_restored_stale_cache()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk();

        // An edit whose timestamp is an hour old, not built yet.
        FileEdits.ReplaceWithOlderTime(ws.PathOf("Lib/LibCode.cs"), "lib-code v1", "lib-code v2", TimeSpan.FromHours(1));
        var edited = Verify(ws);
        Assert.False(edited.Succeeded);
        Assert.Contains("error IW3201: Lib: the outputs were built from other content than the sources have now", edited.Output);
        Assert.Contains("LibCode.cs (Compile: content differs)", edited.Output);

        // The verification built it: the outputs are current. Keep them as a CI cache would,
        // change App, build, then put the cached (older) obj/ and bin/ back.
        string cache = ws.PathOf("cache");
        foreach (string folder in new[] { "App/obj", "App/bin" })
        {
            CopyTree(ws.PathOf(folder), Path.Combine(cache, folder));
        }

        FileEdits.Replace(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v2");
        ws.BuildOk();
        foreach (string folder in new[] { "App/obj", "App/bin" })
        {
            Directory.Delete(ws.PathOf(folder), recursive: true);
            CopyTree(Path.Combine(cache, folder), ws.PathOf(folder));
        }

        var restored = Verify(ws);
        Assert.False(restored.Succeeded);
        Assert.Contains("error IW3201: App: the outputs were built from other content", restored.Output);
        Assert.Contains("Code.cs (Compile: content differs)", restored.Output);
        Assert.DoesNotContain("error IW3201: Lib", restored.Output);
        ws.Pass();
    }

    [Fact]
    public void The_invalidation_proof_passes_with_the_package_and_fails_without_it()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);

        // A copy-to-output file from outside the tree, as packages add them (NUnit's adapter
        // adds its DLLs from the NuGet folder). Its path sorts before the workspace's, so the
        // proof would pick it first; it must never change it.
        using var outside = new TempDirectory("iw-a-outside-" + Guid.NewGuid().ToString("N"));
        string shared = outside.File("shared.txt", "shared by every project on this machine");
        Assert.True(string.CompareOrdinal(shared, ws.Root) < 0);
        string appProject = ws.PathOf("App/App.csproj");
        File.WriteAllText(appProject, File.ReadAllText(appProject).Replace("</Project>", $"""
              <ItemGroup>
                <None Include="{shared}" Link="shared.txt" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """));

        var with = Verify(ws, "-p:IncrementalWatchVerifyProof=true");
        Assert.True(with.Succeeded, TestWorkspace.Tail(with.Output));
        string markdown = File.ReadAllText(ws.PathOf(Report + "App.md"));
        foreach (string kind in new[] { "Lib: Source", "Lib: ResxResource", "Lib: EmbeddedFile", "Lib: CopiedFile", "App: Source", "App: ResxResource", "App: CopiedFile" })
        {
            Assert.Contains("✅ | " + kind, markdown);
        }

        // The user's tree is only read: the proof's changes went to a scratch copy.
        Assert.DoesNotContain("IncrementalWatchProof", File.ReadAllText(ws.PathOf("App/Code.cs")));
        Assert.Equal("shared by every project on this machine", File.ReadAllText(shared));
        Assert.DoesNotContain("shared.txt", markdown);

        var without = Verify(ws, "-p:IncrementalWatchVerifyProof=true", "-p:IncrementalWatchEnabled=false");
        Assert.False(without.Succeeded);
        Assert.Contains("error IW3206: App: the invalidation proof failed for Source 'App/Code.cs'", without.Output);
        Assert.Contains("did not change: the build used the old content", without.Output);
        ws.Pass();
    }

    [Fact]
    public void Bad_input_gives_coded_errors_never_a_pass()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        var missing = Verify(ws, "-p:IncrementalWatchVerifyBinaryLog=" + ws.PathOf("nothing.binlog"));
        Assert.False(missing.Succeeded);
        Assert.Contains("error IW3205: The binary log '" + ws.PathOf("nothing.binlog") + "' cannot be read: the file does not exist", missing.Output);

        File.WriteAllBytes(ws.PathOf("corrupt.binlog"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());
        var corrupt = Verify(ws, "-p:IncrementalWatchVerifyBinaryLog=" + ws.PathOf("corrupt.binlog"));
        Assert.False(corrupt.Succeeded);
        Assert.Contains("error IW3205: The binary log '" + ws.PathOf("corrupt.binlog") + "' cannot be read", corrupt.Output);

        FileEdits.Replace(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v1 \" unterminated");
        var broken = Verify(ws);
        Assert.False(broken.Succeeded);
        Assert.Contains("error IW3204: App: the first build failed (exit code 1)", broken.Output);
        Assert.Contains("IncrementalWatch verify App: FAILED", broken.Output);
        ws.Pass();
    }

    [Fact]
    public void A_solution_names_its_project_without_the_package()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        Directory.CreateDirectory(ws.PathOf("Plain"));
        File.WriteAllText(ws.PathOf("Plain/Plain.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <PackageReference Remove="IncrementalWatch" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(ws.PathOf("Plain/Plain.cs"), "namespace Plain; public static class Nothing { }\n");
        File.WriteAllText(ws.PathOf("All.slnx"), """
            <Solution>
              <Project Path="App/App.csproj" />
              <Project Path="Lib/Lib.csproj" />
              <Project Path="Plain/Plain.csproj" />
            </Solution>
            """);

        var verify = ws.Dotnet("build", "All.slnx", "-t:VerifyCacheInvalidation");
        Assert.False(verify.Succeeded);
        Assert.Contains("error IW3207: The project '" + ws.PathOf("Plain/Plain.csproj") + "' does not reference IncrementalWatch", verify.Output);

        // One verification for the solution (led by App, its first project with the package),
        // one report with a JUnit suite per project.
        Assert.Contains("IncrementalWatch verify All: FAILED", verify.Output);
        Assert.Contains("IncrementalWatch verify Lib: verified with the solution " + ws.PathOf("All.slnx") + " by App", verify.Output);
        Assert.DoesNotContain("IncrementalWatch verify Lib: PASSED", verify.Output);
        var suites = System.Xml.Linq.XDocument.Load(ws.PathOf("TestResults/IncrementalWatch/All.junit.xml")).Root!.Elements("testsuite").Select(e => e.Attribute("name")!.Value).ToList();
        Assert.Contains("IncrementalWatch.All.App", suites);
        Assert.Contains("IncrementalWatch.All.Lib", suites);
        ws.Pass();
    }

    /// <summary>
    /// A library with TargetFrameworks (netstandard2.0 and net10.0, a neutral and a French .resx):
    /// its outer build has the target, every framework's outputs are checked and proved, the
    /// satellite included; the app that references it names no false IW3207.
    /// </summary>
    [Fact]
    public void A_multi_targeted_library_is_verified_for_every_framework()
    {
        using var ws = TestWorkspace.Create("Shapes", withPackage: true, output);
        ws.BuildOk("Text"); // every framework; the app builds only the one it uses
        ws.BuildOk("Pages");
        var library = ws.Dotnet("build", "Text", "-t:VerifyCacheInvalidation", "-p:IncrementalWatchVerifyProof=true");
        Assert.True(library.Succeeded, TestWorkspace.Tail(library.Output));
        string markdown = File.ReadAllText(ws.PathOf("Text/TestResults/IncrementalWatch/Text.md"));
        Assert.Contains("✅ | Text (netstandard2.0) | outputs match", markdown);
        Assert.Contains("✅ | Text (net10.0) | outputs match", markdown);
        Assert.Contains("✅ | Text: Source Greeter.cs", markdown);
        Assert.Contains("✅ | Text: SatelliteResx Strings.fr.resx", markdown);
        Assert.Contains("bin/Debug/netstandard2.0/fr/Text.resources.dll and bin/Debug/net10.0/fr/Text.resources.dll changed", markdown);
        var scratch = System.Text.RegularExpressions.Regex.Match(library.Output, " to (\\S+) for the invalidation proof");
        Assert.True(scratch.Success, "the verifier names its scratch copy");
        Assert.False(Directory.Exists(Path.GetDirectoryName(scratch.Groups[1].Value)), "the proof's scratch folder is removed");

        // The app builds only the library's net10.0: the proof asks for the change there, not in
        // a netstandard2.0 output the app's build never makes.
        var app = ws.Dotnet("build", "Pages", "-t:VerifyCacheInvalidation", "-p:IncrementalWatchVerifyProof=true");
        Assert.True(app.Succeeded, TestWorkspace.Tail(app.Output));
        Assert.DoesNotContain("IW3207", app.Output);
        string appReport = File.ReadAllText(ws.PathOf("Pages/TestResults/IncrementalWatch/Pages.md"));
        Assert.Contains("✅ | Text (net10.0) | outputs match", appReport);
        Assert.Contains("✅ | Text: Source Greeter.cs", appReport);
        Assert.Contains("✅ | Pages: CopiedFile appsettings.json", appReport);

        // An older edit of the library, not rebuilt: the check names it, in every framework.
        FileEdits.ReplaceWithOlderTime(ws.PathOf("Text/Greeter.cs"), "text-code v1", "text-code v2", TimeSpan.FromHours(1));
        var stale = ws.Dotnet("build", "Text", "-t:VerifyCacheInvalidation");
        Assert.False(stale.Succeeded);
        Assert.Contains("error IW3201: Text (netstandard2.0)", stale.Output);
        Assert.Contains("error IW3201: Text (net10.0)", stale.Output);
        ws.Pass();
    }

    /// <summary>
    /// The real-shaped solution (a multi-targeted library with a satellite .resx, an xunit test
    /// project with the test SDK and coverlet, a Razor Pages app with appsettings.json), built
    /// and unchanged, passes out of the box in one run: two builds of the solution, one report
    /// with a section per project. The test SDK's and coverlet's targets, which rewrite a file
    /// on every build, are warnings that name their package; the SDK's bookkeeping and the
    /// package's own targets are never listed. Under IncrementalWatchVerifyStrict they fail.
    /// </summary>
    [Fact]
    public void A_real_shaped_solution_passes_out_of_the_box_in_one_run_and_names_the_owners()
    {
        using var ws = TestWorkspace.Create("Shapes", withPackage: true, output);

        // A second multi-targeted project that references the leader (Text, first in the
        // solution), as Markdig.Tests references Markdig: while the leader waits for its items,
        // that project's own gathering must not be under way, or MSBuild refuses the cycle.
        Directory.CreateDirectory(ws.PathOf("Text.Extra"));
        File.WriteAllText(ws.PathOf("Text.Extra/Text.Extra.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>netstandard2.0;net10.0</TargetFrameworks>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="..\Text\Text.csproj" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(ws.PathOf("Text.Extra/Extra.cs"), "namespace Text.Extra { public static class Extra { public static string Value => \"extra\"; } }\n");
        FileEdits.Replace(ws.PathOf("Shapes.slnx"), "</Solution>", "  <Project Path=\"Text.Extra/Text.Extra.csproj\" />\n</Solution>");

        ws.BuildOk("Shapes.slnx");
        var verify = ws.Dotnet("build", "Shapes.slnx", "-t:VerifyCacheInvalidation", "-p:IncrementalWatchVerifyProof=true");

        Assert.True(verify.Succeeded, TestWorkspace.Tail(verify.Output));
        Assert.Contains("IncrementalWatch verify Shapes: PASSED", verify.Output);
        Assert.Contains("warning IW2201: Text.Tests: target ReferencedPathMaps of package coverlet.collector 6.0.4", verify.Output);
        Assert.DoesNotContain("IncrementalClean", verify.Output);
        Assert.DoesNotContain("_CleanGetCurrentAndPriorFileWrites", verify.Output);
        Assert.DoesNotContain("target _IncrementalWatch", verify.Output);

        string report = ws.PathOf("TestResults/IncrementalWatch/");
        string markdown = File.ReadAllText(report + "Shapes.md");
        foreach (string line in new[]
        {
            "### Text ✅", "### Text.Tests ✅", "### Pages ✅", "### Text.Extra ✅",
            "✅ | Text.Extra (netstandard2.0) | outputs match", "✅ | Text.Extra (net10.0) | outputs match",
            "✅ | Text (netstandard2.0) | outputs match", "✅ | Text (net10.0) | outputs match",
            "✅ | Text: SatelliteResx Strings.fr.resx", "✅ | Text: ResxResource Strings.resx",
            "✅ | Pages: Razor Pages/Index.cshtml", "✅ | Pages: CopiedFile appsettings.json", "✅ | Text.Tests: Source UnitTest1.cs",
            "⚠️ not yours | Text.Tests: ReferencedPathMaps",
        })
        {
            Assert.Contains(line, markdown);
        }

        var suites = System.Xml.Linq.XDocument.Load(report + "Shapes.junit.xml").Root!.Elements("testsuite").Select(e => e.Attribute("name")!.Value).ToList();
        Assert.Contains("IncrementalWatch.Shapes.Text.Tests", suites);
        Assert.Contains("IncrementalWatch.Shapes.Pages", suites);
        Assert.Single(Directory.GetFiles(report, "*.second.binlog"));
        Assert.False(OperatingSystem.IsLinux() && File.Exists(VerifyLock.PathFor(ws.Root)));

        var strict = ws.Dotnet("build", "Shapes.slnx", "-t:VerifyCacheInvalidation", "-p:IncrementalWatchVerifyStrict=true");
        Assert.False(strict.Succeeded);
        Assert.Contains("error IW3203: Text.Tests: target ReferencedPathMaps of package coverlet.collector 6.0.4", strict.Output);
        ws.Pass();
    }

    /// <summary>
    /// A built tree carried to another folder while the original stays (a CI cache restored at
    /// another path), with an input changed there: the snapshots recorded the original folder's
    /// files, so the check refuses to vouch (IW3209) instead of comparing the other tree. A build
    /// there redoes the work, after which the check passes.
    /// </summary>
    [Fact]
    public void A_cache_restored_in_another_folder_never_passes_and_the_build_there_stays_correct()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk();
        string moved = ws.PathOf("moved");
        Directory.CreateDirectory(moved);
        foreach (string entry in Directory.EnumerateFileSystemEntries(ws.Root).Where(e => Path.GetFileName(e) != "moved").ToList())
        {
            if (Directory.Exists(entry))
            {
                CopyTree(entry, Path.Combine(moved, Path.GetFileName(entry)));
            }
            else
            {
                File.Copy(entry, Path.Combine(moved, Path.GetFileName(entry)));
            }
        }

        FileEdits.ReplaceWithOlderTime(Path.Combine(moved, "Lib/LibCode.cs"), "lib-code v1", "lib-code v2", TimeSpan.FromHours(1));
        var verify = ws.Dotnet("build", Path.Combine(moved, "App"), "-t:VerifyCacheInvalidation");
        Assert.False(verify.Succeeded);
        Assert.Contains("error IW3209: Lib: the outputs cannot be vouched for: the content snapshot", verify.Output);
        Assert.Contains("was recorded for the project in " + ws.PathOf("Lib") + ", not in " + Path.Combine(moved, "Lib"), verify.Output);

        // The verification built the moved tree: its outputs now hold the new content.
        byte[] library = File.ReadAllBytes(Path.Combine(moved, "Lib/bin/Debug/net10.0/Lib.dll"));
        Assert.True(library.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes("lib-code v2")) >= 0);
        var again = ws.Dotnet("build", Path.Combine(moved, "App"), "-t:VerifyCacheInvalidation");
        Assert.True(again.Succeeded, TestWorkspace.Tail(again.Output));
        ws.Pass();
    }

    private static ProcessResult Verify(TestWorkspace ws, params string[] extra) =>
        ws.Dotnet("build", "App", new[] { "-t:VerifyCacheInvalidation" }.Concat(extra).ToArray());

    private static void CopyTree(string source, string destination)
    {
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(file));
        }
    }
}
