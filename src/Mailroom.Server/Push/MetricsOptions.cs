namespace Mailroom.Server.Push;

/// <summary>The Prometheus endpoint <c>/metrics</c>; bound from the "Mailroom:Metrics" section.</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Mailroom:Metrics";

    /// <summary>False: no <c>/metrics</c> route at all (404 like any unknown path).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Client addresses (IPs and CIDRs, comma-separated) that may read <c>/metrics</c>; others get 404.
    /// Loopback only by default; empty: any address.
    /// </summary>
    public string AllowedAddresses { get; set; } = "127.0.0.0/8,::1";
}
