using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Sso;

internal static class SsoExtensions
{
    /// <summary>
    /// Webmail sign-in: one-click login (<c>/cgi-bin/login</c>), password and second-factor sign-in,
    /// and the webmail session — its own cookie scheme (HttpOnly, SameSite=Lax so that a link from
    /// the enterprise's portal arrives signed in, Secure on HTTPS, sliding expiry) backed by a
    /// session row checked on every request.
    /// </summary>
    public static IServiceCollection AddSso(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SsoOptions>().Bind(configuration.GetSection(SsoOptions.Section));
        services.AddSingleton<WebmailSessions>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<PendingSignInCookie>();
        services.AddSingleton<OneClickLoginService>();
        services.AddSingleton<PasswordLoginService>();
        services.AddSingleton<SecondFactorService>();
        services.AddSingleton<WebmailCookieEvents>();

        services.AddAuthentication().AddCookie(WebmailSession.Scheme, options =>
        {
            options.Cookie.Name = WebmailSession.CookieName;
            options.Cookie.Path = "/";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SlidingExpiration = true;
            options.LoginPath = SsoPaths.Login;
            options.LogoutPath = SsoPaths.Logout;
            options.AccessDeniedPath = SsoPaths.Login;
            options.ReturnUrlParameter = "returnUrl";
            options.EventsType = typeof(WebmailCookieEvents);
        });
        services.AddOptions<CookieAuthenticationOptions>(WebmailSession.Scheme)
            .Configure<IOptionsMonitor<SsoOptions>, TimeProvider>((cookie, sso, time) =>
            {
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(Math.Max(1, sso.CurrentValue.SessionIdleMinutes));
                cookie.TimeProvider = time;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(WebmailSession.Policy, policy => policy.AddAuthenticationSchemes(WebmailSession.Scheme).RequireAuthenticatedUser());

        // §7.4: the published text spells the login URL without the hyphen; both work.
        services.Configure<RazorPagesOptions>(options => options.Conventions.AddPageRoute("/Sso/OneClickLogin", "cgibin/login"));
        return services;
    }

    /// <summary>The webmail user on requests that bring its cookie (Program.cs runs authorization after it).</summary>
    public static WebApplication UseSso(this WebApplication app)
    {
        app.UseMiddleware<WebmailAuthentication>();
        return app;
    }
}
