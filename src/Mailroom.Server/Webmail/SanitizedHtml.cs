namespace Mailroom.Server.Webmail;

/// <summary>A sanitised HTML fragment and the number of web images left out of it.</summary>
internal sealed record SanitizedHtml(string Html, int BlockedImages);
