using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mailroom.Server.Auth;

internal static class AuthExtensions
{
    public static IServiceCollection AddAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddClientCredentials();
        services.AddSingleton<TokenService>();
        services.AddSingleton<RateGate>();
        services.AddSingleton<OperationLog>();
        services.AddSingleton<OpenApiAccess>();
        services.AddHostedService<ClientRegistryRefresher>();
        return services;
    }

    /// <summary>
    /// The client registry and interface keys alone: what changing a client needs, without tokens or
    /// background work (the operator commands use only these). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddClientCredentials(this IServiceCollection services)
    {
        services.TryAddSingleton<ClientRegistry>();
        services.TryAddSingleton<InterfaceKeys>();
        return services;
    }

    /// <summary>Every endpoint of the group requires a valid access token (PROTOCOL.md §2.2).</summary>
    /// <remarks>
    /// The guard is the registered singleton, taken once per endpoint: AddEndpointFilter&lt;TFilter&gt;
    /// would build a new one, resolving its dependencies, on every call.
    /// </remarks>
    public static TBuilder RequireOpenApiAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(static (context, next) =>
        {
            var access = context.ApplicationServices.GetRequiredService<OpenApiAccess>();
            return async invocation =>
            {
                await access.RunAsync(invocation.HttpContext, (invocation, next), static (_, call, _) => call.next(call.invocation));
                return EmptyHttpResult.Instance;
            };
        });
}
