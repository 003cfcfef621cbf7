using Mailroom.Server.Admin;
using Mailroom.Server.Auth;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Sso;
using Mailroom.Server.Storage;
using Mailroom.Server.Ui;

if (OperatorCommands.IsCommand(args))
{
    return await OperatorCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddProtocol();
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddDirectory();
builder.Services.AddAuth(builder.Configuration);
builder.Services.AddAdmin(builder.Configuration);
builder.Services.AddUi();
builder.Services.AddSso(builder.Configuration);

var app = builder.Build();
app.UseShutdownGate();
app.UseUi();
app.UseSso();
app.MapTokens();
app.MapDirectory().RequireOpenApiAccess();
app.MapUi();
app.MapUnknownPaths();
await app.RunAsync();
return 0;

/// <summary>The server's entry point; public so tests can host it.</summary>
public partial class Program;
