using Mailroom.Server.Protocol;

namespace Mailroom.Server.Directory;

/// <summary>
/// A department path (PROTOCOL.md §6.5): '/'-separated segments below the root, at most 5 levels,
/// each 1–64 characters without control characters. Leading and trailing '/' are ignored; "" and
/// "/" are the root (no segments).
/// </summary>
internal sealed record DepartmentPath(IReadOnlyList<string> Segments)
{
    public const int MaxDepth = 5;
    public const int MaxSegmentLength = 64;

    public static readonly DepartmentPath Root = new([]);

    public bool IsRoot => Segments.Count == 0;

    public static Result<DepartmentPath> Parse(string? text)
    {
        var trimmed = (text ?? "").Trim().Trim('/');
        if (trimmed.Length == 0)
        {
            return Root;
        }

        var segments = trimmed.Split('/');
        if (segments.Length > MaxDepth)
        {
            return ProtocolErrors.InvalidPartyPath;
        }

        foreach (var segment in segments)
        {
            if (segment.Length is 0 or > MaxSegmentLength || segment.Trim().Length == 0 || segment.Any(char.IsControl))
            {
                return ProtocolErrors.InvalidPartyPath;
            }
        }

        return new DepartmentPath(segments);
    }

    public override string ToString() => string.Join('/', Segments);
}
