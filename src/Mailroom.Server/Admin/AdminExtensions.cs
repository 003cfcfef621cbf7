namespace Mailroom.Server.Admin;

internal static class AdminExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<EnterpriseService>();
        services.AddHostedService<DemoEnterpriseSeeder>();
        return services;
    }
}
