namespace Mailroom.IntegrationTests;

/// <summary>One server shared by the tests of a class; each test creates its own enterprise.</summary>
public sealed class ServerFixture : IDisposable
{
    public MailroomApp App { get; } = new();

    public void Dispose() => App.Dispose();
}
