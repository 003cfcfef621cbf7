using System.Globalization;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Directory;

/// <summary>
/// A user/sync call with its parameters checked (PROTOCOL.md §6.3): everything that can be judged
/// without the database. A null field was absent or empty: ADD takes its default, MOD leaves it.
/// </summary>
internal sealed record MemberSyncCommand(
    int Action,
    string Alias,
    string? Name,
    int? Gender,
    string? Position,
    string? Tel,
    string? Mobile,
    string? ExtId,
    string? PasswordMd5,
    IReadOnlyList<DepartmentPath>? Departments,
    IReadOnlyList<string>? Slaves,
    int OpenType)
{

    /// <summary>§10: Name and Position at most 64 characters; Tel, Mobile and ExtId at most 32.</summary>
    public const int MaxNameLength = 64;
    public const int MaxNumberLength = 32;
    public const int MaxSlaves = 5;

    public static Result<MemberSyncCommand> Parse(RequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var parsedAction = SyncAction.Parse(parameters);
        if (parsedAction.Error is { } invalidAction)
        {
            return invalidAction;
        }

        var action = parsedAction.Value;

        var alias = parameters.Get("Alias");
        if (alias.Length == 0)
        {
            return ProtocolErrors.Missing("Alias");
        }

        // A DEL needs nothing but the address; clients send whole records with it, which are ignored.
        if (action == SyncAction.Delete)
        {
            return new MemberSyncCommand(action, alias, null, null, null, null, null, null, null, null, null, 0);
        }

        var name = Optional(parameters, "Name");
        var password = Optional(parameters, "Password");
        if (action == SyncAction.Add && name is null)
        {
            return ProtocolErrors.Missing("Name");
        }

        if (action == SyncAction.Add && password is null)
        {
            return ProtocolErrors.Missing("Password");
        }

        var gender = Choice(parameters, "Gender");
        if (gender.IsError)
        {
            return gender.Error!;
        }

        var openType = Choice(parameters, "OpenType");
        if (openType.IsError)
        {
            return openType.Error!;
        }

        var position = Optional(parameters, "Position");
        var tel = Optional(parameters, "Tel");
        var mobile = Optional(parameters, "Mobile");
        var extId = Optional(parameters, "ExtId");
        var tooLong = TooLong(name, MaxNameLength, "Name") ?? TooLong(position, MaxNameLength, "Position")
            ?? TooLong(tel, MaxNumberLength, "Tel") ?? TooLong(mobile, MaxNumberLength, "Mobile")
            ?? TooLong(extId, MaxNumberLength, "ExtId");
        if (tooLong is not null)
        {
            return tooLong;
        }

        string? md5 = null;
        if (password is not null)
        {
            var isMd5 = parameters.Get("Md5") switch
            {
                "" or "0" => (bool?)false,
                "1" => true,
                _ => null,
            };
            if (isMd5 is null)
            {
                return ProtocolErrors.Malformed("Md5");
            }

            if (!PasswordHasher.TryDigest(password, isMd5.Value, out md5))
            {
                return ProtocolErrors.InvalidPassword;
            }
        }

        var departments = ParseDepartments(parameters);
        if (departments.IsError)
        {
            return departments.Error!;
        }

        var slaves = ParseSlaves(parameters);
        if (slaves.IsError)
        {
            return slaves.Error!;
        }

        return new MemberSyncCommand(
            action, alias, name, gender.Value, position, tel, mobile, extId, md5, departments.Value, slaves.Value, openType.Value ?? 0);
    }

    private static string? Optional(RequestParameters parameters, string name)
    {
        var value = parameters.Get(name);
        return value.Length == 0 ? null : value;
    }

    // Gender (0 unset, 1, 2) and OpenType (0 leave, 1 enable, 2 disable) take exactly 0, 1 or 2.
    private static Result<int?> Choice(RequestParameters parameters, string name) =>
        parameters.Get(name) switch
        {
            "" => (int?)null,
            "0" => 0,
            "1" => 1,
            "2" => 2,
            _ => ProtocolErrors.InvalidField(name),
        };

    private static ProtocolError? TooLong(string? value, int max, string field) =>
        value is not null && value.EnumerateRunes().Count() > max ? ProtocolErrors.InvalidField(field) : null;

    // PartyPath present replaces the set; the root ("/") in it stands for "no department" (§6.3).
    private static Result<IReadOnlyList<DepartmentPath>?> ParseDepartments(RequestParameters parameters)
    {
        var values = parameters.GetAll("PartyPath");
        if (values.Count == 0)
        {
            return Result<IReadOnlyList<DepartmentPath>?>.Ok(null);
        }

        var paths = new List<DepartmentPath>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var path = DepartmentPath.Parse(value);
            if (path.IsError)
            {
                return path.Error!;
            }

            if (!path.Value!.IsRoot && seen.Add(path.Value.ToString()))
            {
                paths.Add(path.Value);
            }
        }

        return Result<IReadOnlyList<DepartmentPath>?>.Ok(paths);
    }

    private static Result<IReadOnlyList<string>?> ParseSlaves(RequestParameters parameters)
    {
        var values = parameters.GetAll("Slave");
        if (values.Count == 0)
        {
            return Result<IReadOnlyList<string>?>.Ok(null);
        }

        var addresses = new List<string>();
        foreach (var value in values)
        {
            if (!EmailAddress.TryNormalize(value, out var address, out _))
            {
                return ProtocolErrors.InvalidAlias("Slave");
            }

            if (!addresses.Contains(address, StringComparer.Ordinal))
            {
                addresses.Add(address);
            }
        }

        return Result<IReadOnlyList<string>?>.Ok(addresses);
    }

    // The generated ToString would print the password's MD5; nothing may ever log it (§6.3).
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"user/sync Action={Action} Alias={Alias}");
}
