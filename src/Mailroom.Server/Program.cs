using Mailroom.Server.Admin;
using Mailroom.Server.Auth;
using Mailroom.Server.Directory;
using Mailroom.Server.Mail;
using Mailroom.Server.Protocol;
using Mailroom.Server.Push;
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
builder.Services.AddPush();
builder.Services.AddAdmin(builder.Configuration);
builder.Services.AddMail();
builder.Services.AddUi();
builder.Services.AddSso(builder.Configuration);

var app = builder.Build();
app.UseServerActivity();
// Explicit, so that it runs after UseServerActivity (it would otherwise be added first).
app.UseRouting();
app.UseShutdownGate();
app.UseUi();
app.UseAdmin();
app.UseSso();
// Once, after both sign-ins have set the request's user; it acts only where an endpoint asks.
app.UseAuthorization();
// The open protocol's calls run straight after routing: they need none of the pages' middleware
// (static files, cookies, page headers, authorization) and check access and shutdown themselves
// (MapPush guards /openapi/listen on its own).
app.MapTokens().ShortCircuit();
app.MapDirectory().RequireOpenApiAccess().ShortCircuit();
app.MapPush().ShortCircuit();
app.MapUi();
app.MapUnknownPaths();
await app.RunAsync();
return 0;

/// <summary>The server's entry point; public so tests can host it.</summary>
public partial class Program;
