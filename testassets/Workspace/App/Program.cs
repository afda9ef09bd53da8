using System.Reflection;
using Lib;

// Prints one line per kind of input, so a test can tell which content the build used.
var app = typeof(App.Code).Assembly;
var features = app.GetTypes()
    .Where(t => t.Namespace == "App.Features")
    .Select(t => t.Name)
    .Order(StringComparer.Ordinal);

Console.WriteLine($"app-code={App.Code.Value}");
Console.WriteLine($"app-embedded={Probe.Embedded(app, "App.embedded.txt")}");
Console.WriteLine($"app-resx={Probe.Resx(app, "App.Strings")}");
Console.WriteLine($"app-copy={Probe.Copied("app-data.txt")}");
Console.WriteLine($"features={string.Join(",", features)}");
Console.WriteLine($"lib-code={LibCode.Value}");
Console.WriteLine($"lib-embedded={Probe.LibEmbedded()}");
Console.WriteLine($"lib-resx={Probe.LibResx()}");
Console.WriteLine($"lib-copy={Probe.Copied("lib-data.txt")}");
Console.WriteLine($"lib-differ={Probe.Copied("lib-differ.txt")}");
