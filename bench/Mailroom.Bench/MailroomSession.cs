namespace Mailroom.Bench;

/// <summary>A running Mailroom as the benchmark uses it: its token, what it serves, and the members made so far.</summary>
internal sealed class MailroomSession(ServerProcess server, string token)
{
    public ServerProcess Server { get; } = server;

    public string Token { get; } = token;

    /// <summary>Null when user/sync works; otherwise why the parts needing it cannot run.</summary>
    public string? UserSync { get; set; }

    /// <summary>Null when user/list works; otherwise why its part cannot run.</summary>
    public string? UserList { get; set; }

    /// <summary>Why members go to the root instead of a department, if they do.</summary>
    public string? DepartmentProblem { get; set; }

    public List<string> Departments { get; } = [];

    public List<string> Members { get; } = [];

    /// <summary>The department of the i-th member added, or null (the root) when there is none.</summary>
    public string? Department(int i) => Departments.Count == 0 ? null : Departments[i % Departments.Count];
}
