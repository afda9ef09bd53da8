using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.FileSystem;

namespace IncrementalWatch.Contracts;

/// <summary>
/// The files that cross the task/host boundary: the watch info the build writes for the host,
/// the verification request the task writes, and the results the verifier writes back. Each is
/// a record serialized with source-generated System.Text.Json, written atomically.
/// </summary>
public static class ContractFile
{
    public static void Save<T>(string path, T value, JsonTypeInfo<T> type) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(value, type));

    /// <summary>Writes only when the bytes differ (so an unchanged file keeps its timestamp); true when written.</summary>
    public static bool SaveIfDifferent<T>(string path, T value, JsonTypeInfo<T> type) =>
        AtomicFile.WriteIfDifferent(path, JsonSerializer.SerializeToUtf8Bytes(value, type));

    /// <exception cref="InvalidDataException">The file is not <typeparamref name="T"/> as this version writes it.</exception>
    public static T Load<T>(string path, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type)
                ?? throw new InvalidDataException($"'{path}' is empty (expected {typeof(T).Name}).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a {typeof(T).Name} file this version of IncrementalWatch wrote: {ex.Message}", ex);
        }
    }
}

/// <summary>The source-generated serializers of every contract.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(WatchInfo))]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(VerifyResults))]
public sealed partial class ContractJson : JsonSerializerContext
{
}

/// <summary>What the verifier hands back to the VerifyCacheInvalidation task.</summary>
/// <param name="Summary">The one line the task logs at high importance ("App: PASSED: ...; report: ..."); empty when the verifier could not run.</param>
/// <param name="Diagnostics">Every finding, as the task logs it (error, warning or message by its code).</param>
public sealed record VerifyResults(string Summary, IReadOnlyList<Diagnostic> Diagnostics)
{
    public void Save(string path) => ContractFile.Save(path, this, ContractJson.Default.VerifyResults);

    /// <exception cref="InvalidDataException">The file is not results this version wrote.</exception>
    public static VerifyResults Load(string path) => ContractFile.Load(path, ContractJson.Default.VerifyResults);
}
