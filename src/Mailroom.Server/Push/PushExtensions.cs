using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mailroom.Server.Push;

internal static class PushExtensions
{
    public static IServiceCollection AddPush(this IServiceCollection services)
    {
        services.AddOptions<ListenOptions>().BindConfiguration(ListenOptions.Section);
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        services.AddSingleton<PushMetrics>();
        services.AddSingleton<PushContext>();
        services.AddSingleton<ListenHub>();

        // The in-process notifier unless another (between nodes) was registered first.
        services.TryAddSingleton<IPushNotifier, InProcessPushNotifier>();
        services.AddSingleton<IMailboxEvents, MailboxEvents>();
        services.AddSingleton<ListenResponder>();
        services.AddHostedService<PushLifecycle>();
        return services;
    }
}
