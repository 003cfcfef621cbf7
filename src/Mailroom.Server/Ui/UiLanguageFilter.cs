using Microsoft.AspNetCore.Mvc.Filters;

namespace Mailroom.Server.Ui;

/// <summary>
/// Gives every page's <see cref="UiText"/> the request's language once the page's handler is
/// chosen: before the handler runs and before anything is rendered.
/// </summary>
internal sealed class UiLanguageFilter : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<UiText>().Use(UiLanguage.Resolve(http.Request));
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
