using QRCoder;

namespace Mailroom.Server.Sso;

/// <summary>QR codes for authenticator enrolment, as PNG data URIs (the pages' CSP allows <c>data:</c> images, no inline script).</summary>
internal static class QrCodes
{
    private const int PixelsPerModule = 5;

    public static string PngDataUri(string text) =>
        "data:image/png;base64," + Convert.ToBase64String(PngByteQRCodeHelper.GetQRCode(text, QRCodeGenerator.ECCLevel.M, PixelsPerModule));
}
