using WebApp;

// GET /        the greeting and this process's id
// GET /slow    answers after ?ms= milliseconds (an in-flight request during a restart)
// GET /config  the Message setting, which appsettings.json holds and the app reloads itself
// GET /site.css a static file from wwwroot/
// On SIGTERM, Kestrel stops accepting and lets in-flight requests finish; WEBAPP_DRAIN_MS adds
// a fixed drain delay for experiments.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
int drainMs = int.TryParse(Environment.GetEnvironmentVariable("WEBAPP_DRAIN_MS"), out int ms) ? ms : 0;
if (drainMs > 0)
{
    app.Lifetime.ApplicationStopping.Register(() => Thread.Sleep(drainMs));
}

app.UseStaticFiles();
app.MapGet("/", () => $"{Greeting.Text} pid={Environment.ProcessId}");
app.MapGet("/config", (IConfiguration configuration) => $"{configuration["Message"]} pid={Environment.ProcessId}");
app.MapGet("/slow", async (int ms) =>
{
    await Task.Delay(ms);
    return $"slow {Greeting.Text} pid={Environment.ProcessId}";
});
app.Run();
