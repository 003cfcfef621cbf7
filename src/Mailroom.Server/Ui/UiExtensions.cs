using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;

namespace Mailroom.Server.Ui;

internal static class UiExtensions
{
    /// <summary>Server-rendered pages (Razor Pages living in their feature folders) in two languages.</summary>
    public static IServiceCollection AddUi(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/";
            options.Conventions.ConfigureFilter(new UiLanguageFilter());
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "mailroom-af";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Pages are UTF-8: write Chinese as characters, not as numeric entities.
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddSingleton<UiTextCatalog>();

        // The request's language is set by UiLanguageFilter. Not through IHttpContextAccessor: with
        // one registered, Kestrel allocates a new HttpContext for every request and sets an
        // AsyncLocal, a cost every protocol call (every held listen) would pay for the pages.
        services.AddScoped<UiText>();
        return services;
    }

    public static WebApplication UseUi(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseStaticFiles();
        return app;
    }

    public static WebApplication MapUi(this WebApplication app)
    {
        app.MapRazorPages();
        return app;
    }
}
