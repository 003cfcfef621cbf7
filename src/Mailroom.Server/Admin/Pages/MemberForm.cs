using Mailroom.Server.Directory;
using Mailroom.Server.Storage;

namespace Mailroom.Server.Admin.Pages;

/// <summary>
/// The member form of the console, turned into user/sync parameters (PROTOCOL.md §6.3): the
/// service, not the form, decides what is valid.
/// </summary>
internal sealed class MemberForm
{
    private static readonly char[] Lines = ['\n', '\r'];
    private static readonly char[] AliasSeparators = ['\n', '\r', ',', ';', ' '];

    public string Address { get; set; } = "";

    public string Name { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>"0" unset, "1" male, "2" female.</summary>
    public string Gender { get; set; } = "0";

    public string Position { get; set; } = "";

    public string Tel { get; set; } = "";

    public string Mobile { get; set; } = "";

    public string ExtId { get; set; } = "";

    /// <summary>Department paths, one per line; none = the root.</summary>
    public string Departments { get; set; } = "";

    /// <summary>Alias addresses, one per line.</summary>
    public string Aliases { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public static MemberForm Of(MemberView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var m = view.Member;
        return new MemberForm
        {
            Address = m.Address,
            Name = m.Name,
            Gender = m.Gender.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Position = m.Position,
            Tel = m.Tel,
            Mobile = m.Mobile,
            ExtId = m.ExtId,
            Departments = string.Join('\n', view.Departments),
            Aliases = string.Join('\n', view.Aliases),
            Enabled = m.OpenType != 2,
        };
    }

    /// <summary>user/sync ADD (Action=2): a new member, enabled unless unticked, in the listed departments (none: the root).</summary>
    public IEnumerable<(string Name, string Value)> ToAdd()
    {
        yield return ("Action", SyncAction.Add.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("Alias", Address ?? "");
        yield return ("Password", Password ?? "");
        yield return ("Md5", "0");
        yield return ("OpenType", Enabled ? "1" : "2");
        foreach (var field in Fields())
        {
            yield return field;
        }

        foreach (var path in Paths())
        {
            yield return ("PartyPath", path);
        }

        foreach (var alias in AliasList())
        {
            yield return ("Slave", alias);
        }
    }

    /// <summary>
    /// user/sync MOD (Action=3) of <paramref name="primary"/>. As §6.3 has it, empty fields are left
    /// unchanged; the department and alias sets are replaced (an empty department list is the root;
    /// an empty alias list is sent as the member's own address, which the service ignores, leaving none).
    /// </summary>
    public IEnumerable<(string Name, string Value)> ToModify(string primary)
    {
        yield return ("Action", SyncAction.Modify.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("Alias", primary);
        if (!string.IsNullOrEmpty(Password))
        {
            yield return ("Password", Password);
            yield return ("Md5", "0");
        }

        foreach (var field in Fields())
        {
            yield return field;
        }

        var paths = Paths();
        foreach (var path in paths.Length == 0 ? ["/"] : paths)
        {
            yield return ("PartyPath", path);
        }

        var aliases = AliasList();
        foreach (var alias in aliases.Length == 0 ? [primary] : aliases)
        {
            yield return ("Slave", alias);
        }
    }

    private IEnumerable<(string, string)> Fields()
    {
        yield return ("Name", Name ?? "");
        yield return ("Gender", Gender ?? "");
        yield return ("Position", Position ?? "");
        yield return ("Tel", Tel ?? "");
        yield return ("Mobile", Mobile ?? "");
        yield return ("ExtId", ExtId ?? "");
    }

    private string[] Paths() =>
        (Departments ?? "").Split(Lines, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string[] AliasList() =>
        (Aliases ?? "").Split(AliasSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
