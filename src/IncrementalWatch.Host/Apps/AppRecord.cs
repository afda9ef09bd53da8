using System.Text.Json;
using System.Text.Json.Serialization;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Host.Processes;

namespace IncrementalWatch.Host.Apps;

/// <summary>
/// The app the host is running, recorded in obj/ (pid, process group, start time, and the
/// host's own pid and start time). When the host is killed hard, the next host reads the record
/// and stops the instance that was left, but only if that pid is still the same process.
/// </summary>
/// <remarks>While a new instance starts beside the old one, both are recorded (Old*).</remarks>
public sealed record AppRecord(int AppPid, int AppGroup, long AppStart, int HostPid, long HostStart, int OldPid = 0, int OldGroup = 0, long OldStart = 0)
{
    public static AppRecord For(ChildProcess app) =>
        new(app.Id, app.GroupId, app.StartIdentity, Environment.ProcessId, ProcessIdentity.StartTimeOf(Environment.ProcessId) ?? 0);

    /// <summary>The new instance and the old one it starts beside.</summary>
    public static AppRecord For(ChildProcess app, ChildProcess old) =>
        For(app) with { OldPid = old.Id, OldGroup = old.GroupId, OldStart = old.StartIdentity };

    public void Save(string path) => AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, AppRecordJson.Default.AppRecord));

    /// <summary>Reads a record; null when there is none or it cannot be understood.</summary>
    public static AppRecord? Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), AppRecordJson.Default.AppRecord);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the host that wrote the record is still running.</summary>
    [JsonIgnore]
    public bool HostAlive => HostPid != Environment.ProcessId && ProcessIdentity.IsSame(HostPid, HostStart);

    /// <summary>Whether the old instance of an unfinished overlap is still running (and is the same process).</summary>
    [JsonIgnore]
    public bool OldAlive => OldPid > 0 && ProcessIdentity.IsSame(OldPid, OldStart);

    /// <summary>Whether the recorded app is still running (and is the same process).</summary>
    [JsonIgnore]
    public bool AppAlive => ProcessIdentity.IsSame(AppPid, AppStart);
}

/// <summary>The record's source-generated serializer (app.pid is JSON).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AppRecord))]
internal sealed partial class AppRecordJson : JsonSerializerContext
{
}
