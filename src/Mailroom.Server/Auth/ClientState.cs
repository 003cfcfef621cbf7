using System.Net;
using Mailroom.Server.Protocol;

namespace Mailroom.Server.Auth;

/// <summary>What checking a credential or a token needs about one client, held in memory.</summary>
internal sealed class ClientState(long key, long enterpriseId, string clientId, byte[] secretHash, long tokenGeneration, bool apiEnabled, IReadOnlyList<IPNetwork> allowedNetworks, int rateLimit)
{
    public long Key { get; } = key;

    public long EnterpriseId { get; } = enterpriseId;

    public string ClientId { get; } = clientId;

    public byte[] SecretHash { get; } = secretHash;

    public long TokenGeneration { get; } = tokenGeneration;

    public bool ApiEnabled { get; } = apiEnabled;

    /// <summary>Empty: any address may call (PROTOCOL.md §8).</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks { get; } = allowedNetworks;

    /// <summary>Requests per second; 0 = unlimited.</summary>
    public int RateLimit { get; } = rateLimit;

    /// <summary>The caller every call with this client's token acts as; one instance, not one per call.</summary>
    public ApiCaller Caller { get; } = new(enterpriseId, key, clientId);

    public bool Allows(IPAddress? address)
    {
        if (AllowedNetworks.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in AllowedNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
