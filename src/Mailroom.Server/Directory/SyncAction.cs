using System.Globalization;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Directory;

/// <summary>The <c>Action</c> parameter of user/sync and party/sync: 1 DEL, 2 ADD, 3 MOD (PROTOCOL.md §6.3, §6.5).</summary>
internal static class SyncAction
{
    public const int Delete = 1;
    public const int Add = 2;
    public const int Modify = 3;

    /// <summary>Missing → invalid_request naming Action; anything but 1, 2 or 3 → invalid_action.</summary>
    public static Result<int> Parse(RequestParameters parameters)
    {
        var text = parameters.Get("Action");
        if (text.Length == 0)
        {
            return ProtocolErrors.Missing("Action");
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var action) && action is Delete or Add or Modify
            ? action
            : ProtocolErrors.InvalidAction;
    }
}
