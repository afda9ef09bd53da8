using System.Reflection;
using System.Resources;

namespace Lib;

/// <summary>Reads what the build put into an assembly and beside it, for the program to print.</summary>
public static class Probe
{
    public static string Embedded(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"no resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim();
    }

    public static string Resx(Assembly assembly, string baseName) =>
        new ResourceManager(baseName, assembly).GetString("Greeting") ?? "(missing)";

    public static string Copied(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, fileName);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : "(missing)";
    }

    public static string LibEmbedded() => Embedded(typeof(Probe).Assembly, "Lib.embedded.txt");

    public static string LibResx() => Resx(typeof(Probe).Assembly, "Lib.LibStrings");
}
