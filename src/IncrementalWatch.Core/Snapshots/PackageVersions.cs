using System.Text.Json;
using NuGet.Versioning;

namespace IncrementalWatch.Snapshots;

/// <summary>
/// Reads the package versions a restore resolved from project.assets.json, normalized with
/// NuGet.Versioning so that "1.0" and "1.0.0" are one version and only a real change counts.
/// </summary>
public static class PackageVersions
{
    /// <summary>The property-name prefix under which package versions are kept in a snapshot.</summary>
    public const string PropertyPrefix = "package:";

    /// <summary>Package id to normalized version, for every package library in the assets file.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable assets file.</exception>
    public static SortedDictionary<string, string> Read(string assetsFile)
    {
        var versions = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(assetsFile);
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
            {
                return versions;
            }

            foreach (var library in libraries.EnumerateObject())
            {
                if (library.Value.ValueKind != JsonValueKind.Object
                    || !library.Value.TryGetProperty("type", out var type)
                    || type.GetString() != "package")
                {
                    continue;
                }

                int slash = library.Name.IndexOf('/');
                if (slash <= 0)
                {
                    throw new InvalidDataException($"the library key '{library.Name}' is not 'id/version'");
                }

                string id = library.Name[..slash];
                string version = library.Name[(slash + 1)..];
                versions[id] = NuGetVersion.TryParse(version, out var parsed) ? parsed.ToNormalizedString() : version;
            }
        }

        return versions;
    }
}
