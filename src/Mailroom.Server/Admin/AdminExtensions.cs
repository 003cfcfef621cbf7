using Mailroom.Server.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mailroom.Server.Admin;

internal static class AdminExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        services.AddEnterpriseManagement();
        services.AddHostedService<DemoEnterpriseSeeder>();
        return services;
    }

    /// <summary>
    /// Managing enterprises, their clients and reading the operation log, with no hosted service:
    /// shared by the server and the operator commands. Needs storage and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddEnterpriseManagement(this IServiceCollection services)
    {
        services.AddClientCredentials();
        services.TryAddSingleton<EnterpriseService>();
        services.TryAddSingleton<OperationHistory>();
        return services;
    }
}
