using Mailroom.Server.Admin;
using Mailroom.Server.Auth;
using Mailroom.Server.Directory;
using Mailroom.Server.Protocol;
using Mailroom.Server.Push;
using Mailroom.Server.Storage;

if (OperatorCommands.IsCommand(args))
{
    return await OperatorCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddProtocol();
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddDirectory();
builder.Services.AddAuth(builder.Configuration);
builder.Services.AddPush();
builder.Services.AddAdmin(builder.Configuration);

var app = builder.Build();
app.UseShutdownGate();
app.MapTokens();
app.MapDirectory().RequireOpenApiAccess();
app.MapPush().RequireOpenApiAccess();
app.MapUnknownPaths();
await app.RunAsync();
return 0;

/// <summary>The server's entry point; public so tests can host it.</summary>
public partial class Program;
