using System.Net.WebSockets;
using WebApp;

// GET /        the greeting and this process's id
// GET /page    an HTML page with the greeting and wwwroot/site.css (the browser-refresh tests)
// GET /slow    answers after ?ms= milliseconds (an in-flight request during a restart)
// GET /config  the Message setting, which appsettings.json holds and the app reloads itself
// GET /site.css a static file from wwwroot/
// /ws          a WebSocket that answers each text message with "<message> pid=N"
// Responses are compressed when the client accepts it, as many real apps do.
// On SIGTERM, Kestrel stops accepting and lets in-flight requests finish; WEBAPP_DRAIN_MS adds
// a fixed drain delay for experiments. WEBAPP_LOCK_FILE makes the app hold an exclusive lock on
// that file while it runs, as an embedded database does: a second instance cannot start (exit 3).
FileStream? held = null;
if (Environment.GetEnvironmentVariable("WEBAPP_LOCK_FILE") is { Length: > 0 } lockFile)
{
    try
    {
        held = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }
    catch (IOException ex)
    {
        Console.Error.WriteLine($"cannot lock {lockFile}: {ex.Message}");
        return 3;
    }
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddResponseCompression();
var app = builder.Build();
int drainMs = int.TryParse(Environment.GetEnvironmentVariable("WEBAPP_DRAIN_MS"), out int ms) ? ms : 0;
if (drainMs > 0)
{
    app.Lifetime.ApplicationStopping.Register(() => Thread.Sleep(drainMs));
}

app.UseResponseCompression();
app.UseWebSockets();
app.UseStaticFiles();
app.MapGet("/", () => $"{Greeting.Text} pid={Environment.ProcessId}");
app.MapGet("/page", () => Results.Content(
    $"<!DOCTYPE html><html><head><title>WebApp</title><link rel=\"stylesheet\" href=\"/site.css\"></head><body><h1 id=\"greeting\">{Greeting.Text}</h1><p id=\"pid\">{Environment.ProcessId}</p></body></html>",
    "text/html; charset=utf-8"));
app.MapGet("/config", (IConfiguration configuration) => $"{configuration["Message"]} pid={Environment.ProcessId}");
app.MapGet("/slow", async (int ms) =>
{
    await Task.Delay(ms);
    return $"slow {Greeting.Text} pid={Environment.ProcessId}";
});
app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        return Results.BadRequest();
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = new byte[4096];
    while (true)
    {
        var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
        if (received.MessageType == WebSocketMessageType.Close)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return Results.Empty;
        }

        string text = System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count);
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes($"{text} pid={Environment.ProcessId}"), WebSocketMessageType.Text, true, context.RequestAborted);
    }
});
app.Run();
held?.Dispose();
return 0;
