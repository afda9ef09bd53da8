using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Core;

/// <summary>The files that cross the task/host boundary: JSON records that read back as written, and a clear error for anything else.</summary>
public sealed class ContractsTests
{
    [Fact]
    public void A_verify_request_reads_back_as_written()
    {
        using var dir = new TempDirectory();
        var project = new VerifyProject("/r/Text/Text.csproj", "Text", "/r/Text/obj/x.iwsnapshot", "/r/Text/bin/Text.dll", "/r/Text/obj/Text.dll", "net8.0");
        var request = new VerifyRequest
        {
            Entry = project,
            Closure = [project],
            ReportDirectory = "/r/TestResults/IncrementalWatch",
            Solution = "/r/All.slnx",
            Properties = ["Configuration=Release", "A=b;c"],
            ProofInputs = [new ProofInput("/r/Text/Text.csproj", ProofKind.SatelliteResx, "/r/Text/Strings.fr.resx", "", "net8.0")],
            Strict = true,
            NeverInputFolders = ["generated"],
        };
        string file = dir.File("r.request");
        request.Save(file);

        var read = VerifyRequest.Load(file);

        Assert.Equal(project, read.Entry);
        Assert.Equal(request.Closure, read.Closure);
        Assert.Equal(request.Properties, read.Properties);
        Assert.Equal(request.ProofInputs, read.ProofInputs);
        Assert.Equal(request.NeverInputFolders, read.NeverInputFolders);
        Assert.True(read.Strict);
        Assert.Equal("All", read.ReportName);
        Assert.Contains("\"SatelliteResx\"", File.ReadAllText(file));
    }

    [Fact]
    public void Results_carry_each_diagnostic_as_the_task_logs_it()
    {
        using var dir = new TempDirectory();
        var results = new VerifyResults("App: FAILED", [Descriptors.IW2202.CreateForFile("/r/App/App.csproj", "App", 1, "x"), Descriptors.IW3204.Create("App", "first", 1, "build1.log", "error CS1002")]);
        string file = dir.File("r.results");
        results.Save(file);

        var read = VerifyResults.Load(file);

        Assert.Equal("App: FAILED", read.Summary);
        Assert.Equal(results.Diagnostics, read.Diagnostics);
        Assert.Equal([DiagnosticSeverity.Warning, DiagnosticSeverity.Error], read.Diagnostics.Select(d => d.Severity));
    }

    [Fact]
    public void A_watch_info_is_written_only_when_it_changes()
    {
        using var dir = new TempDirectory();
        var info = new WatchInfo("dotnet", "exec App.dll", "", "/r/App/bin/", "", [new WatchedProject("/r/App/App.csproj", "/r/App", "/r/App/bin/", "/r/App/obj/")], ["/r/App/Program.cs"]);
        string file = dir.File("watch.info");

        Assert.True(info.Save(file));
        Assert.False(info.Save(file)); // the same content: the file and its timestamp stay
        Assert.Equal(info.Files, WatchInfo.Load(file).Files);
        Assert.Equal(info.Projects, WatchInfo.Load(file).Projects);
    }

    [Theory]
    [InlineData("")]
    [InlineData("IWVERIFY\t2\nentry\t/a\n")]
    [InlineData("{ \"entry\": 3 }")]
    public void Anything_else_is_a_clear_error_naming_the_file(string content)
    {
        using var dir = new TempDirectory();
        string file = dir.File("bad.request", content);
        var error = Assert.Throws<InvalidDataException>(() => VerifyRequest.Load(file));
        Assert.Contains(file, error.Message);
    }
}
