using Microsoft.AspNetCore.DataProtection;

namespace Mailroom.Server.Storage;

internal static class StorageExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageOptions.Section);
        services.AddOptions<StorageOptions>().Bind(section);
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<IDatabase>(sp => sp.GetRequiredService<SqliteDatabase>());

        // The key ring that encrypts interface keys at rest lives beside the database.
        var keys = Path.Combine(Path.GetFullPath(section.Get<StorageOptions>()?.DataDir ?? new StorageOptions().DataDir), "keys");
        DataDirectory.Create(keys);
        services.AddDataProtection()
            .SetApplicationName("Mailroom")
            .PersistKeysToFileSystem(new DirectoryInfo(keys));
        return services;
    }
}
