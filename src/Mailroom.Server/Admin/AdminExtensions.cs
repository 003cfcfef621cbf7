using Mailroom.Server.Admin.Import;
using Mailroom.Server.Auth;
using Mailroom.Server.Directory;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Admin;

internal static class AdminExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        services.AddEnterpriseManagement();
        services.AddHostedService<DemoEnterpriseSeeder>();
        services.AddAdminConsole(configuration);
        return services;
    }

    /// <summary>
    /// Managing enterprises, their clients and reading the operation log, with no hosted service:
    /// shared by the server and the operator commands. Needs storage and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddEnterpriseManagement(this IServiceCollection services)
    {
        services.AddClientCredentials();
        services.AddOptions<PasswordOptions>().BindConfiguration(PasswordOptions.Section);
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<AdminPasswords>();
        services.TryAddSingleton<EnterpriseService>();
        services.TryAddSingleton<OperationHistory>();
        return services;
    }

    /// <summary>
    /// The administrator's console (/admin): its own cookie scheme (HttpOnly, SameSite=Strict,
    /// Secure on HTTPS, sliding expiry, the path /admin only), required on every console page but
    /// the sign-in page (Pages/AdminPageModel.cs asks for it).
    /// </summary>
    private static IServiceCollection AddAdminConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section));
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AdminLog>();
        services.AddSingleton<AdminAccountService>();
        services.AddSingleton<DirectoryBrowser>();
        services.AddSingleton<ConsoleClock>();
        services.AddSingleton<ImportJobs>();
        services.AddSingleton<MemberImportService>();

        services.AddAuthentication().AddCookie(AdminSession.Scheme, options =>
        {
            options.Cookie.Name = "mailroom-admin";
            options.Cookie.Path = "/admin";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SlidingExpiration = true;
            options.LoginPath = "/admin";
            options.LogoutPath = "/admin/logout";
            options.AccessDeniedPath = "/admin";
            options.Events.OnValidatePrincipal = ValidateSessionAsync;
        });
        services.AddOptions<CookieAuthenticationOptions>(AdminSession.Scheme)
            .Configure<IOptions<AdminOptions>, TimeProvider>((cookie, admin, time) =>
            {
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(Math.Max(1, admin.Value.SessionMinutes));
                cookie.TimeProvider = time;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminSession.Policy, policy => policy.AddAuthenticationSchemes(AdminSession.Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// The console's session on the console's paths only — the open protocol authenticates by token,
    /// and its calls should not pay for reading a cookie — by the console's own scheme whatever other
    /// schemes exist (Program.cs runs authorization after it). Every console request thus has the
    /// same user for the anti-forgery tokens it issues and checks.
    /// </summary>
    public static WebApplication UseAdmin(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase),
            console => console.Use(async (context, next) =>
            {
                var session = await context.AuthenticateAsync(AdminSession.Scheme);
                if (session.Succeeded)
                {
                    context.User = session.Principal;
                }

                await next(context);
            }));
        return app;
    }

    // A session ends when its password was replaced (reset by the operator) or its client is gone.
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var session = AdminSession.From(context.Principal);
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AdminAccountService>();
        if (session is null || !await accounts.IsCurrentAsync(session, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AdminSession.Scheme);
        }
    }
}
