namespace Mailroom.Server.Storage;

/// <summary>The fields of a member that user/sync sets and user/get shows (PROTOCOL.md §6.2).</summary>
internal sealed record MemberFields(
    string Name,
    int Gender,
    string Position,
    string Tel,
    string Mobile,
    string ExtId,
    int OpenType)
{
    public static MemberFields Of(MemberRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Name, row.Gender, row.Position, row.Tel, row.Mobile, row.ExtId, row.OpenType);
    }
}
