using System.Globalization;
using System.Text;
using System.Text.Json;
using FedHealth.Contracts;

namespace FedHealth.Privacy.Crypto;

/// <summary>
/// The signature every message between organisations carries beside it (in the transport's headers): by the one
/// party <see cref="MessageAuthority"/> says may send it, over its type, that party, when it was signed, and every
/// field of the message as it travels. Nothing can be changed or passed off as another party's or another type's.
/// The address an answer goes to is not covered (MassTransit sets it after the send filters run): a dashboard request
/// replayed within its lifetime by someone who could read it would be answered to them, which the broker's
/// per-account permissions prevent (no site reads the coordinator's queue).
/// </summary>
public static class MessageSignature
{
    /// <summary>How far a signing time may lie ahead of the receiver's clock.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How old a dashboard request may be. Its requester has given up long before (requests time out in seconds), so an
    /// older one is a replay; a job command is keyed on its request id as well, so a replay within this window is a no-op.
    /// </summary>
    public static readonly TimeSpan DashboardRequestLifetime = TimeSpan.FromMinutes(5);

    public static byte[] Digest(object message, MessageSender sender, DateTimeOffset signedAt)
    {
        // Streamed into the hash: a large message (a model's weights) is digested without being held twice.
        using var sink = new DigestingStream();
        sink.Write(Encoding.UTF8.GetBytes($"fedhealth-message/1\n{message.GetType().FullName}\n{sender}\n{Time(signedAt)}\n"));
        JsonSerializer.Serialize(sink, message, message.GetType(), WireJson.Options);
        return Convert.FromHexString(sink.Sha256());
    }

    /// <summary>The signing time as it travels: round-trip format in UTC, so both ends hash the same text.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Why <paramref name="message"/> must not be taken, or null when its rightful sender signed it and it is fresh.</summary>
    public static string? Problem(object message, ConsortiumTrust trust, string? signedAt, string? signature, DateTimeOffset now)
    {
        var type = message.GetType().Name;
        if (MessageAuthority.SenderOf(message) is not { } sender) return $"{type}: no FedHealth contract declares who may send it";
        if (sender.Role == MessageSenderRole.Anyone) return null;
        if (sender.SiteId is { } site && trust.Revoked.TryGetValue(site, out var revoked))
            return $"{type}: claims to come from {sender}, which the consortium revoked ({revoked}; consortium file version {trust.Version})";
        if (trust.KeyOf(sender) is not { } key) return $"{type}: claims to come from {sender}, which the consortium file does not register";
        if (signature is null || signedAt is null) return $"{type}: unsigned (only {sender} may send it, signed)";
        if (!DateTimeOffset.TryParseExact(signedAt, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return $"{type}: its signing time '{signedAt}' is not a round-trip time";
        byte[] bytes;
        try { bytes = Convert.FromBase64String(signature); }
        catch (FormatException) { return $"{type}: its signature is not base64"; }
        if (!SigningKey.Verify(key, Digest(message, sender, at), bytes))
            return $"{type}: its signature does not verify against {sender}'s registered key (forged or altered)";
        if (at - now > MaxSkew)
            return $"{type}: signed at {Time(at)}, {(at - now).TotalSeconds:F0} s ahead of this clock (more than {MaxSkew.TotalMinutes:0} min)";
        if (sender.Role == MessageSenderRole.Dashboard && now - at > DashboardRequestLifetime)
            return $"{type}: a dashboard request signed at {Time(at)}, {(now - at).TotalMinutes:F0} min ago (replayed; requests live " +
                $"{DashboardRequestLifetime.TotalMinutes:0} min)";
        return null;
    }
}
