using IncrementalWatch.Host.Verify;

namespace IncrementalWatch.Tests.Host.Verify;

/// <summary>
/// The second-build analysis on a recorded binary log (Fixtures/xunit-second-build.binlog): a
/// test project as `dotnet new xunit` makes it (the test SDK, xunit, coverlet.collector), with
/// IncrementalWatch, and two targets of the user's own: StampEveryBuild rewrites obj/stamp.txt
/// on every build; NeverWritesItsOutput declares an output it never writes. Recorded under
/// /tmp/incrementalwatch-bench/repo-with with the packages in /tmp/incrementalwatch-bench/nuget-packages
/// and the SDK in /usr/share/dotnet; the second build changed the three files listed below.
/// </summary>
public sealed class BinlogAnalysisTests
{
    private const string Project = "/tmp/incrementalwatch-bench/repo-with/Text.Tests/";

    private static readonly string[] Changed =
    [
        Project + "obj/Debug/net10.0/stamp.txt",
        Project + "bin/Debug/net10.0/.msCoverageSourceRootsMapping_Text.Tests",
        Project + "bin/Debug/net10.0/CoverletSourceRootsMapping_Text.Tests",
    ];

    private static readonly Lazy<Microsoft.Build.Logging.StructuredLogger.Build> Log =
        new(() => BinlogAnalysis.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "xunit-second-build.binlog")));

    private static IReadOnlyList<TargetWork> Work(IReadOnlyList<string> changed) =>
        BinlogAnalysis.FindWork(Log.Value, changed, new TargetOwnership("/tmp/incrementalwatch-bench/nuget-packages/", "/usr/share/dotnet"));

    [Fact]
    public void Each_changed_file_is_blamed_on_the_target_whose_task_wrote_it_and_on_no_other()
    {
        var work = Work(Changed);

        Assert.Equal(
            ["MsCoverageReferencedPathMaps", "NeverWritesItsOutput", "ReferencedPathMaps", "StampEveryBuild"],
            work.Select(w => w.Target).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("stamp.txt", Assert.Single(work, w => w.Target == "StampEveryBuild").Evidence.Last());
        Assert.Contains(".msCoverageSourceRootsMapping_Text.Tests", Assert.Single(work, w => w.Target == "MsCoverageReferencedPathMaps").Evidence.Last());
        Assert.Contains("CoverletSourceRootsMapping_Text.Tests", Assert.Single(work, w => w.Target == "ReferencedPathMaps").Evidence.Last());

        // The SDK's bookkeeping lists those files but wrote none: never blamed. Nothing is unattributed.
        Assert.DoesNotContain(work, w => w.Target is "IncrementalClean" or "_CleanGetCurrentAndPriorFileWrites" or "GetCopyToOutputDirectoryItems");
        Assert.DoesNotContain(work, w => w.Target == TargetWork.Unattributed);

        // The package's own targets did nothing in a no-op build.
        Assert.DoesNotContain(work, w => w.Target.StartsWith("_IncrementalWatch", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_target_is_owned_by_the_file_that_defines_it()
    {
        var work = Work(Changed).ToDictionary(w => w.Target);

        Assert.Equal(OwnerKind.User, work["StampEveryBuild"].Owner.Kind);
        Assert.Equal(Project + "Text.Tests.csproj", work["StampEveryBuild"].DefinedIn);
        Assert.Equal(new TargetOwner(OwnerKind.Package, "coverlet.collector 6.0.4"), work["ReferencedPathMaps"].Owner);
        Assert.Equal(OwnerKind.Package, work["MsCoverageReferencedPathMaps"].Owner.Kind);
        Assert.StartsWith("Microsoft.CodeCoverage ", work["MsCoverageReferencedPathMaps"].Owner.Name.Replace("microsoft.codecoverage", "Microsoft.CodeCoverage", StringComparison.Ordinal));
        Assert.Equal(TargetOwner.Sdk, new TargetOwnership(null, "/usr/share/dotnet").Classify("/usr/share/dotnet/sdk/10.0.401/Microsoft.Common.CurrentVersion.targets"));
        Assert.Equal(TargetOwner.Sdk, new TargetOwnership(null, null).Classify("/repo/All.slnx.metaproj"));
    }

    [Fact]
    public void A_target_whose_declared_output_is_never_written_is_found_with_msbuilds_reason()
    {
        var never = Assert.Single(Work(Changed), w => w.Target == "NeverWritesItsOutput");

        Assert.True(never.OutputsOutOfDate);
        Assert.StartsWith("output missing: ", never.Reason);
        Assert.EndsWith("never.txt", never.Reason);
        Assert.Contains(never.Evidence, e => e.Contains("declared outputs are out of date", StringComparison.Ordinal));
    }

    [Fact]
    public void A_change_no_task_wrote_is_listed_once_as_unattributed()
    {
        string stray = Project + "obj/Debug/net10.0/written-by-nobody.txt";
        var work = Work([.. Changed, stray]);

        var unattributed = Assert.Single(work, w => w.Target == TargetWork.Unattributed);
        Assert.Equal([stray], unattributed.Evidence);
    }
}
