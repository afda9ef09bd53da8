using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class PackageVersionsTests
{
    [Fact]
    public void Versions_are_normalized_so_equal_versions_compare_equal()
    {
        using var dir = new Support.TempDirectory();
        string assets = dir.File("project.assets.json", """
            {
              "version": 3,
              "libraries": {
                "Foo/1.0": { "type": "package" },
                "Bar/2.1.0-beta.1": { "type": "package" },
                "Lib/1.0.0": { "type": "project" }
              }
            }
            """);

        var versions = PackageVersions.Read(assets);

        Assert.Equal("1.0.0", versions["Foo"]);
        Assert.Equal("2.1.0-beta.1", versions["Bar"]);
        Assert.False(versions.ContainsKey("Lib"));
    }

    [Fact]
    public void A_damaged_assets_file_is_invalid_data()
    {
        using var dir = new Support.TempDirectory();
        Assert.Throws<InvalidDataException>(() => PackageVersions.Read(dir.File("project.assets.json", "{ \"libraries\": ")));
    }
}
