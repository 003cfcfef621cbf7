namespace Mailroom.Server.Directory;

internal static class DirectoryExtensions
{
    public static IServiceCollection AddDirectory(this IServiceCollection services)
    {
        services.AddSingleton<DirectoryVersions>();
        services.AddSingleton<MemberService>();
        services.AddSingleton<DepartmentService>();
        services.AddSingleton<GroupService>();
        return services;
    }
}
