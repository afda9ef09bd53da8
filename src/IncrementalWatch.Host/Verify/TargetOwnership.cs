using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Host.Verify;

/// <summary>Who a target belongs to, from the file that defines it.</summary>
public enum OwnerKind
{
    /// <summary>The user's repository (project files, Directory.Build.*, anything not below).</summary>
    User,

    /// <summary>A NuGet package's build/ or buildTransitive/ files.</summary>
    Package,

    /// <summary>The .NET SDK (and its workload packs).</summary>
    Sdk,
}

/// <param name="Kind">Whose it is.</param>
/// <param name="Name">For a package, "Id Version"; otherwise empty.</param>
public sealed record TargetOwner(OwnerKind Kind, string Name)
{
    public static readonly TargetOwner User = new(OwnerKind.User, "");
    public static readonly TargetOwner Sdk = new(OwnerKind.Sdk, "");

    public override string ToString() => Kind switch
    {
        OwnerKind.Package => "package " + Name,
        OwnerKind.Sdk => "the .NET SDK",
        _ => "your repository",
    };
}

/// <summary>
/// Classifies a target by the file that defines it: under the NuGet packages folder it belongs
/// to that package (named with its id and version, as its .nuspec spells the id), under the
/// .NET installation to the SDK, anywhere else to the user's repository.
/// </summary>
public sealed class TargetOwnership
{
    private readonly string? _packagesRoot;
    private readonly string? _dotnetRoot;
    private readonly Dictionary<string, TargetOwner> _cache = new(PathComparison.Comparer);

    /// <param name="packagesRoot">$(NuGetPackageRoot); null when unknown.</param>
    /// <param name="dotnetRoot">The folder of the dotnet executable; null when unknown.</param>
    public TargetOwnership(string? packagesRoot, string? dotnetRoot)
    {
        _packagesRoot = Folder(packagesRoot);
        _dotnetRoot = Folder(dotnetRoot);
    }

    public TargetOwner Classify(string? definingFile)
    {
        if (string.IsNullOrEmpty(definingFile) || definingFile.EndsWith(".metaproj", StringComparison.OrdinalIgnoreCase))
        {
            return TargetOwner.Sdk; // MSBuild's own (the solution metaproject it generates)
        }

        if (_cache.TryGetValue(definingFile, out var known))
        {
            return known;
        }

        string path = definingFile.Replace('\\', '/');
        TargetOwner owner;
        if (PackageOf(path) is { } package)
        {
            owner = package;
        }
        else if (_dotnetRoot is not null && path.StartsWith(_dotnetRoot, PathComparison.Comparison))
        {
            owner = TargetOwner.Sdk;
        }
        else
        {
            owner = TargetOwner.User;
        }

        _cache[definingFile] = owner;
        return owner;
    }

    private TargetOwner? PackageOf(string path)
    {
        // The configured folder first; any ".nuget/packages/" folder as a fallback (a log read
        // on another machine).
        string? root = null;
        if (_packagesRoot is not null && path.StartsWith(_packagesRoot, PathComparison.Comparison))
        {
            root = _packagesRoot;
        }
        else if (path.IndexOf("/.nuget/packages/", PathComparison.Comparison) is int at and >= 0)
        {
            root = path[..(at + "/.nuget/packages/".Length)];
        }

        if (root is null)
        {
            return null;
        }

        string[] parts = path[root.Length..].Split('/');
        if (parts.Length < 3)
        {
            return null;
        }

        string id = parts[0];
        string nuspec = Path.Combine(root, parts[0], parts[1], parts[0] + ".nuspec");
        try
        {
            if (File.Exists(nuspec))
            {
                var document = System.Xml.Linq.XDocument.Load(nuspec);
                id = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "id")?.Value.Trim() is { Length: > 0 } spelled ? spelled : id;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Xml.XmlException)
        {
            // The folder name (the id in lower case) is still a fair name.
        }

        return new TargetOwner(OwnerKind.Package, $"{id} {parts[1]}");
    }

    private static string? Folder(string? path) =>
        string.IsNullOrWhiteSpace(path) ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)).Replace('\\', '/') + "/";
}
