using Mailroom.Server.Storage;

namespace Mailroom.Server.Webmail;

/// <summary>The folders webmail shows (the mail store's), as they appear in links and texts.</summary>
internal static class WebmailFolder
{
    public const string Inbox = MailStore.Inbox;

    public const string Trash = MailStore.Trash;

    /// <summary>The folder a link names; the inbox for anything else.</summary>
    public static string Parse(string? folder) => folder == Trash ? Trash : Inbox;

    /// <summary>A folder's list, at page <paramref name="page"/>.</summary>
    public static string Link(string folder, int page = 1)
    {
        var query = new List<string>(2);
        if (folder == Trash)
        {
            query.Add("folder=" + Trash);
        }

        if (page > 1)
        {
            query.Add("p=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Sso.SsoPaths.Inbox + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    /// <summary>The text key of a folder's name.</summary>
    public static string TitleKey(string folder) => folder == Trash ? "webmail.trash.title" : "webmail.inbox.title";

    /// <summary>A message's page (PROTOCOL.md §7.4 one-click login lands here too).</summary>
    public static string MessageLink(string mailId) => $"{Sso.SsoPaths.Inbox}/message/{mailId}";
}
