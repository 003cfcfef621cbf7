using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;

namespace Mailroom.Server.Ui;

internal static class UiExtensions
{
    /// <summary>Server-rendered pages (Razor Pages living in their feature folders) in two languages.</summary>
    public static IServiceCollection AddUi(this IServiceCollection services)
    {
        services.AddRazorPages(options => options.RootDirectory = "/");
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "mailroom-af";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Pages are UTF-8: write Chinese as characters, not as numeric entities.
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddHttpContextAccessor();
        services.AddSingleton<UiTextCatalog>();
        services.AddScoped(sp => new UiText(
            sp.GetRequiredService<UiTextCatalog>(),
            sp.GetRequiredService<IHttpContextAccessor>().HttpContext is { } http ? UiLanguage.Resolve(http.Request) : UiLanguage.English));
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
