using FedHealth.Contracts;
using FedHealth.Privacy.Crypto;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace FedHealth.Messaging.Signing;

/// <summary>A signing key this process holds, and whose messages it signs with it (a local federation holds every one); it may be rotated while the process
/// runs.</summary>
public sealed record HeldSigningKey(MessageSender Sender, SigningIdentity Identity);

/// <summary>The consortium file a process verifies messages against, as it stands now.</summary>
public sealed record SigningTrust(ConsortiumFileSource Source);

/// <summary>
/// Signs what this process sends with the key of the party <see cref="MessageAuthority"/> names as its sender, and
/// refuses, with the reason in the log, whatever arrives not signed by its rightful sender. Without a consortium file
/// (development) it does neither, and says so once.
/// </summary>
public sealed class MessageSigning
{
    public const string SignatureHeader = "FedHealth-Signature";
    public const string SignedAtHeader = "FedHealth-Signed-At";

    private readonly ConsortiumFileSource? source;
    /// <summary>The consortium file as it stands now (null: development, nothing signed or verified).</summary>
    private ConsortiumTrust? CurrentTrust => source?.Current;
    private readonly IReadOnlyDictionary<MessageSender, SigningIdentity> keys;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    public MessageSigning(IEnumerable<SigningTrust> trusts, IEnumerable<HeldSigningKey> held, TimeProvider time, ILoggerFactory? logs = null)
    {
        // A local federation registers one trust per party it hosts, all from the same file: the first stands for all.
        source = trusts.Select(t => t.Source).FirstOrDefault();
        keys = held.GroupBy(k => k.Sender).ToDictionary(g => g.Key, g => g.First().Identity);
        this.time = time;
        logger = (logs ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("FedHealth.Messaging.Signing");
        if (CurrentTrust is null) logger.LogWarning("no consortium file: messages are neither signed nor verified (development only)");
        foreach (var (sender, key) in keys)
            if (CurrentTrust is not null && CurrentTrust.KeyOf(sender) is { } registered && !registered.AsSpan().SequenceEqual(key.Current.PublicKey))
                throw new InvalidOperationException($"the signing key this process holds for {sender} is not the one the consortium file registers");
    }

    public bool Verifies => CurrentTrust is not null;

    /// <summary>Sets the signature headers when this process holds the key of the message's rightful sender; else sends it as it is (the receiver
    /// decides).</summary>
    public void Sign(SendContext context, object message)
    {
        if (CurrentTrust is null) return;
        if (MessageAuthority.SenderOf(message) is not { Role: not MessageSenderRole.Anyone } sender || !keys.TryGetValue(sender, out var key)) return;
        // Always signed afresh: a message published while consuming another may carry the consumed one's headers.
        var at = time.GetUtcNow();
        var signature = key.Sign(MessageSignature.Digest(message, sender, at));
        context.Headers.Set(SignedAtHeader, MessageSignature.Time(at));
        context.Headers.Set(SignatureHeader, Convert.ToBase64String(signature));
    }

    /// <summary>True when <paramref name="context"/>'s message may be handled; else logs why not and the message is dropped.</summary>
    public bool Admits(ConsumeContext context, object message)
    {
        if (CurrentTrust is null) return true;
        // MassTransit's own fault notices carry no command: a requester shows them as an error, nothing more.
        if (message.GetType().IsGenericType && message.GetType().GetGenericTypeDefinition() == typeof(Fault<>)) return true;
        var problem = MessageSignature.Problem(message, CurrentTrust, context.Headers.Get<string>(SignedAtHeader),
            context.Headers.Get<string>(SignatureHeader), time.GetUtcNow());
        if (problem is null) return true;
        logger.LogWarning("refused a message on {Endpoint}: {Problem}", context.ReceiveContext.InputAddress, problem);
        return false;
    }
}
