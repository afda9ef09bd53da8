var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorPages();

var app = builder.Build();
app.UseStaticFiles();
app.MapRazorPages();
app.MapGet("/text", () => Text.Greeter.Code() + " " + app.Configuration["Marker"]);
app.Run();
