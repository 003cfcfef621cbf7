namespace Mailroom.Server.Auth;

internal static class AuthExtensions
{
    public static IServiceCollection AddAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<InterfaceKeys>();
        services.AddSingleton<RateGate>();
        services.AddSingleton<OperationLog>();
        services.AddSingleton<OpenApiAccessFilter>();
        services.AddHostedService<ClientRegistryRefresher>();
        return services;
    }

    /// <summary>Every endpoint of the group requires a valid access token (PROTOCOL.md §2.2).</summary>
    public static TBuilder RequireOpenApiAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, OpenApiAccessFilter>();
}
