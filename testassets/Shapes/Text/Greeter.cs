namespace Text;

/// <summary>The library's code: its marker shows which content each target framework's build used.</summary>
public static class Greeter
{
    public static string Code() => "text-code v1";

    public static string Framework() =>
#if NETSTANDARD2_0
        "netstandard2.0";
#else
        "net10.0";
#endif

    /// <summary>The neutral resource string, or the French one for a French culture (a satellite assembly).</summary>
    public static string Hello(System.Globalization.CultureInfo culture) => Strings.ResourceManager.GetString("Hello", culture) ?? "";
}
