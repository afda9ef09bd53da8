using System.Text.Json;

namespace IncrementalWatch.Host.Apps;

/// <summary>
/// The parts of a launchSettings.json profile that dotnet run applies: environment variables,
/// applicationUrl (as ASPNETCORE_URLS) and commandLineArgs. Like dotnet run, it takes the
/// named profile, or else the first profile whose commandName is "Project".
/// </summary>
public sealed record LaunchProfile(string Name, IReadOnlyDictionary<string, string> Environment, string? ApplicationUrl, string? CommandLineArgs)
{
    /// <summary>Reads the profile; null when the file or a usable profile is absent.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON, or the named profile is missing.</exception>
    public static LaunchProfile? Read(string path, string? name)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return name is { Length: > 0 } ? throw new InvalidDataException($"The launch profile '{name}' was requested but '{path}' does not exist.") : null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("profiles", out JsonElement profiles) || profiles.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (JsonProperty profile in profiles.EnumerateObject())
            {
                bool wanted = name is { Length: > 0 }
                    ? string.Equals(profile.Name, name, StringComparison.OrdinalIgnoreCase)
                    : profile.Value.TryGetProperty("commandName", out JsonElement command) && command.GetString() == "Project";
                if (wanted)
                {
                    return FromJson(profile.Name, profile.Value);
                }
            }
        }

        return name is { Length: > 0 } ? throw new InvalidDataException($"'{path}' has no launch profile named '{name}'.") : null;
    }

    private static LaunchProfile FromJson(string name, JsonElement profile)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (profile.TryGetProperty("environmentVariables", out JsonElement variables) && variables.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty variable in variables.EnumerateObject())
            {
                environment[variable.Name] = System.Environment.ExpandEnvironmentVariables(variable.Value.ToString());
            }
        }

        string? Text(string property) => profile.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new LaunchProfile(name, environment, Text("applicationUrl"), Text("commandLineArgs"));
    }
}
