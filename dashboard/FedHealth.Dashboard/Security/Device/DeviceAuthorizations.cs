namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// The pending device sign-ins (RFC 8628): a command line asks for one and gets a device code (its secret, kept here only as
/// a hash) and a user code (what its person types on the approval page); a signed-in person approves or denies it; the
/// command line polls with its device code until then. Each request lives <see cref="DeviceSignInOptions.Lifetime"/>, is
/// answered once (gone after its token, denial or expiry), and is polled at most once per interval (slow_down adds 5 s).
/// Bounded: at most <see cref="DeviceSignInOptions.MaxPending"/> at once, and <see cref="DeviceSignInOptions.MaxPendingPerAddress"/>
/// per address. Pure: time comes from the clock given, nothing is logged or sent.
/// </summary>
public sealed class DeviceAuthorizations(DeviceSignInOptions options, TimeProvider clock)
{
    private sealed class Entry(string deviceHash, string userCode, DeviceRequest request, TimeSpan interval)
    {
        public string DeviceHash { get; } = deviceHash;
        public string UserCode { get; } = userCode;
        public DeviceRequest Request { get; } = request;
        public TimeSpan Interval { get; set; } = interval;
        public DateTimeOffset LastPoll { get; set; } = request.RequestedAt;
        public bool Decided { get; set; }
        public DeviceApprover? Approver { get; set; }
    }

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> byDevice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> byUserCode = new(StringComparer.Ordinal);

    public DeviceSignInOptions Options { get; } = options;

    /// <summary>A new pending request: its device code and user code (stored form), or why none can be made now.</summary>
    public (string? DeviceCode, string? UserCode, string? Refusal) Create(string address, string? claimedClient)
    {
        var now = clock.GetUtcNow();
        lock (gate)
        {
            Prune(now);
            if (byDevice.Count >= Options.MaxPending)
                return (null, null, $"the dashboard holds {Options.MaxPending} pending device sign-ins already: try again in a few minutes");
            if (byDevice.Values.Count(e => e.Request.Address == address) >= Options.MaxPendingPerAddress)
                return (null, null,
                    $"{Options.MaxPendingPerAddress} device sign-ins from {address} are pending already: approve, deny or let them expire first");
            var deviceCode = DeviceCode.New();
            string userCode;
            do userCode = Device.UserCode.New(); while (byUserCode.ContainsKey(userCode));
            var request = new DeviceRequest(address, claimedClient, now, now + Options.Lifetime);
            var entry = new Entry(DeviceCode.Hash(deviceCode), userCode, request, Options.Interval);
            byDevice[entry.DeviceHash] = entry;
            byUserCode[userCode] = entry;
            return (deviceCode, userCode, null);
        }
    }

    /// <summary>The undecided, unexpired request with this user code (as typed), or null: a wrong code.</summary>
    public DeviceRequest? Find(string? typedUserCode)
    {
        lock (gate) return Open(typedUserCode, clock.GetUtcNow())?.Request;
    }

    /// <summary>Approves (an approver) or denies (null) the request with this user code; false when there is no such open request.</summary>
    public bool Decide(string? typedUserCode, DeviceApprover? approver)
    {
        lock (gate)
        {
            if (Open(typedUserCode, clock.GetUtcNow()) is not { } entry) return false;
            entry.Decided = true;
            entry.Approver = approver;
            return true;
        }
    }

    /// <summary>The answer to a poll with <paramref name="deviceCode"/>; a decided or expired request answers once and is gone.</summary>
    public DevicePoll Poll(string? deviceCode)
    {
        if (string.IsNullOrEmpty(deviceCode) || deviceCode.Length > 100) return new DevicePoll(DevicePoll.Invalid);
        var now = clock.GetUtcNow();
        lock (gate)
        {
            if (!byDevice.TryGetValue(DeviceCode.Hash(deviceCode), out var entry)) return new DevicePoll(DevicePoll.Invalid);
            if (entry.Request.ExpiresAt <= now) { Remove(entry); return new DevicePoll(DevicePoll.Expired); }
            if (entry.Decided)
            {
                Remove(entry);
                return entry.Approver is { } approver ? DevicePoll.Approved(approver) : new DevicePoll(DevicePoll.Denied);
            }
            var early = now - entry.LastPoll < entry.Interval;
            entry.LastPoll = now;
            if (early) entry.Interval += DeviceSignInOptions.SlowDownStep;
            return new DevicePoll(early ? DevicePoll.SlowDown : DevicePoll.Pending, Interval: entry.Interval);
        }
    }

    /// <summary>Pending requests held now (expired ones included until the next request prunes them).</summary>
    public int Count
    {
        get { lock (gate) return byDevice.Count; }
    }

    private Entry? Open(string? typedUserCode, DateTimeOffset now) =>
        Device.UserCode.Normalize(typedUserCode) is { } code && byUserCode.TryGetValue(code, out var entry) && !entry.Decided && entry.Request.ExpiresAt > now
            ? entry : null;

    private void Prune(DateTimeOffset now)
    {
        foreach (var expired in byDevice.Values.Where(e => e.Request.ExpiresAt <= now).ToList()) Remove(expired);
    }

    private void Remove(Entry entry)
    {
        byDevice.Remove(entry.DeviceHash);
        byUserCode.Remove(entry.UserCode);
    }
}
