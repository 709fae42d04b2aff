using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;
using Microsoft.Extensions.DependencyInjection;

namespace FedHealth.Messaging.Signing;

public static class SigningRegistration
{
    /// <summary>
    /// This process verifies what it receives against <paramref name="trust"/> and, when given a key, signs what
    /// <paramref name="sender"/> sends with it. Call once per party the process hosts (a local federation hosts all).
    /// </summary>
    public static IServiceCollection AddMessageSigning(this IServiceCollection services, ConsortiumTrust trust, MessageSender? sender = null,
        SigningKey? key = null) =>
        services.AddMessageSigning(new ConsortiumFileSource(trust), sender, key);

    /// <summary>As above, verifying against a consortium file that may change while the process runs (the coordinator's).</summary>
    public static IServiceCollection AddMessageSigning(this IServiceCollection services, ConsortiumFileSource source, MessageSender? sender = null,
        SigningKey? key = null) =>
        services.AddMessageSigning(source, sender, key is null ? null : new SigningIdentity(key));

    /// <summary>As above, signing with a key that may be rotated while the process runs (a site's).</summary>
    public static IServiceCollection AddMessageSigning(this IServiceCollection services, ConsortiumFileSource source, MessageSender? sender,
        SigningIdentity? identity)
    {
        services.AddSingleton(new SigningTrust(source));
        if (sender is not null && identity is not null) services.AddSingleton(new HeldSigningKey(sender, identity));
        return services;
    }
}
