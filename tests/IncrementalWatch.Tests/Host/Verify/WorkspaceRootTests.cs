using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Verify;
using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Host.Verify;

/// <summary>Which folder the invalidation proof copies, outside a git work tree.</summary>
public sealed class WorkspaceRootTests
{
    [Fact]
    public void The_root_widens_to_the_highest_folder_with_build_settings_the_projects_inherit()
    {
        using var temp = new TempDirectory();
        temp.File("repo/Directory.Build.props", "<Project />");
        temp.File("repo/NuGet.Config", "<configuration />");
        string project = temp.File("repo/src/Text/Text.csproj", "<Project />");

        string root = WorkspaceCopy.FindRoot(Request(project));

        Assert.Equal(Path.Combine(temp.Path, "repo"), root);
    }

    [Fact]
    public void Without_build_settings_above_it_the_root_is_the_projects_common_folder()
    {
        using var temp = new TempDirectory();
        string project = temp.File("repo/src/Text/Text.csproj", "<Project />");

        Assert.Equal(Path.Combine(temp.Path, "repo", "src", "Text"), WorkspaceCopy.FindRoot(Request(project)));
    }

    private static VerifyRequest Request(string project)
    {
        var entry = new VerifyProject(project, "Text", project + ".iwsnapshot", "", "");
        return new VerifyRequest { Entry = entry, Closure = [entry], ReportDirectory = Path.GetTempPath() };
    }
}
