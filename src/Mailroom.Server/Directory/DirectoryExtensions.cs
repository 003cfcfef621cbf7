namespace Mailroom.Server.Directory;

internal static class DirectoryExtensions
{
    public static IServiceCollection AddDirectory(this IServiceCollection services)
    {
        services.AddSingleton<DirectoryVersions>();
        services.AddOptions<DirectoryOptions>().BindConfiguration(DirectoryOptions.Section);
        services.AddSingleton<MemberProfileCache>();
        services.AddSingleton<MemberService>();
        services.AddSingleton<DepartmentService>();
        services.AddSingleton<GroupService>();
        services.AddOptions<PasswordOptions>().BindConfiguration(PasswordOptions.Section);
        services.AddOptions<AuthKeyOptions>().BindConfiguration(AuthKeyOptions.Section);
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<HardeningPace>();
        services.AddSingleton<PasswordHardener>();
        services.AddHostedService(sp => sp.GetRequiredService<PasswordHardener>());
        services.AddSingleton<MemberSyncService>();
        services.AddSingleton<MemberAccountService>();
        services.AddSingleton<MailboxService>();
        return services;
    }
}
