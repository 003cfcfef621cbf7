using System.Net;

namespace Mailroom.Server.Auth;

/// <summary>Parses the allowed client addresses setting: IPs and CIDRs, comma- or space-separated.</summary>
internal static class AllowedAddresses
{
    public static bool TryParse(string text, out IReadOnlyList<IPNetwork> networks, out string invalid)
    {
        var parsed = new List<IPNetwork>();
        invalid = "";
        foreach (var entry in text.Split([',', ' ', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                parsed.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                parsed.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                invalid = entry;
                networks = [];
                return false;
            }
        }

        networks = parsed;
        return true;
    }

    /// <summary>The canonical stored form: entries joined by commas.</summary>
    public static string Format(IReadOnlyList<IPNetwork> networks) => string.Join(',', networks.Select(n => n.ToString()));
}
