using Mailroom.Server.Storage;
using Mailroom.Server.Ui;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Mailroom.Server.Admin.Pages;

/// <summary>/admin/operations (操作记录): the enterprise's operation log, newest first, filtered and paged.</summary>
internal sealed class OperationsModel(UiText text, OperationHistory history, ConsoleClock clock, IOptionsMonitor<AdminOptions> options) : AdminPageModel(text)
{
    /// <summary>Endpoints offered as suggestions in the endpoint filter.</summary>
    public static readonly string[] KnownEndpoints =
    [
        "token", "user/get", "user/sync", "user/list", "user/check", "user/swapalias", "user/openwxtoken", "user/closewxtoken",
        "party/sync", "party/list", "partyuser/list", "group/add", "group/delete", "group/addmember", "group/deletemember",
        "group/addallowlist", "group/delallowlist", "mail/newcount", "mail/authkey",
        AdminOperations.Login, AdminOperations.RevealKey, AdminOperations.RotateKey, AdminOperations.EnableApi, AdminOperations.DisableApi,
        AdminOperations.SetAccess, AdminOperations.SetPassword, AdminOperations.Import, AdminOperations.Create,
    ];

    [BindProperty(SupportsGet = true, Name = "")]
    public OperationFilter Filter { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? After { get; set; }

    public IReadOnlyList<StoredOperation> Entries { get; private set; } = [];

    public long Matching { get; private set; }

    public ConsoleClock Clock => clock;

    /// <summary>True when older lines than this page exist.</summary>
    public bool HasOlder { get; private set; }

    public bool HasNewer => Before is not null || After is not null;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var size = Math.Clamp(options.CurrentValue.OperationsPageSize, 1, 1000);
        var query = Filter.ToQuery(clock, size + 1) with { BeforeSeq = After is null ? Before : null };
        var (page, matching) = await history.PageAsync(Admin, query, After, cancellationToken);
        Matching = matching;
        if (After is null)
        {
            HasOlder = page.Count > size;
            Entries = page.Take(size).ToList();
        }
        else
        {
            // A page newer than After: when there are more newer lines than a page holds, this is
            // not the first page, and older lines (those at After and below) always exist.
            HasOlder = true;
            Entries = page.Count > size ? page.Skip(page.Count - size).ToList() : page;
            if (page.Count <= size)
            {
                After = null;
                Before = null;
            }
        }
    }
}
