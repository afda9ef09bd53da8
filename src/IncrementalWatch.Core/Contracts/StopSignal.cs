namespace IncrementalWatch.Contracts;

/// <summary>
/// A stop signal named the way users write it (SIGTERM, TERM, INT, 15). Numbers differ between
/// Linux and macOS for some signals, so names are resolved for the running OS.
/// </summary>
public readonly record struct StopSignal(string Name, int Number)
{
    public static readonly StopSignal Terminate = new("SIGTERM", 15);
    public static readonly StopSignal Kill = new("SIGKILL", 9);

    public override string ToString() => Name;

    public static bool TryParse(string? text, out StopSignal signal)
    {
        signal = Terminate;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string name = text.Trim().ToUpperInvariant();
        if (int.TryParse(name, out int number) && number > 0 && number < 65)
        {
            signal = new StopSignal($"signal {number}", number);
            return true;
        }

        if (!name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = "SIG" + name;
        }

        bool mac = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();
        int? resolved = name switch
        {
            "SIGHUP" => 1,
            "SIGINT" => 2,
            "SIGQUIT" => 3,
            "SIGKILL" => 9,
            "SIGTERM" => 15,
            "SIGUSR1" => mac ? 30 : 10,
            "SIGUSR2" => mac ? 31 : 12,
            _ => null,
        };
        if (resolved is null)
        {
            return false;
        }

        signal = new StopSignal(name, resolved.Value);
        return true;
    }
}
