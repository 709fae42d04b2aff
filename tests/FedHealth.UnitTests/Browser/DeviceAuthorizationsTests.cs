using FedHealth.Dashboard.Security;
using FedHealth.Dashboard.Security.Device;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Browser;

/// <summary>
/// Pending device sign-ins as pure logic on a manual clock: a code answers pending until decided, then once; polling
/// early slows the client down; codes expire; the number held is bounded; wrong or tampered codes find nothing.
/// </summary>
public sealed class DeviceAuthorizationsTests
{
    private static readonly DeviceSignInOptions Options = new();
    private static readonly DeviceApprover Alice = new("alice (Hospital SSO)", DashboardRoles.Lead, "Hospital SSO", null);
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private DeviceAuthorizations Pending(DeviceSignInOptions? options = null) => new(options ?? Options, clock);

    [Fact]
    public void A_request_answers_pending_until_approved_then_its_approver_once_then_nothing()
    {
        var pending = Pending();
        var (device, user, refusal) = pending.Create("10.0.0.7", "fedhealth job on laptop");
        Assert.Null(refusal);
        clock.Advance(Options.Interval);
        Assert.Equal(DevicePoll.Pending, pending.Poll(device).Error);

        var shown = pending.Find(UserCode.Display(user!).ToLowerInvariant());
        Assert.Equal(new DeviceRequest("10.0.0.7", "fedhealth job on laptop", clock.GetUtcNow() - Options.Interval,
            clock.GetUtcNow() - Options.Interval + Options.Lifetime), shown);
        Assert.True(pending.Decide(user, Alice));
        Assert.Null(pending.Find(user));
        Assert.False(pending.Decide(user, null));

        clock.Advance(Options.Interval);
        var approved = pending.Poll(device);
        Assert.Equal((null, Alice), (approved.Error, approved.Approver));
        Assert.Equal(DevicePoll.Invalid, pending.Poll(device).Error);
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void A_denied_request_answers_access_denied_once()
    {
        var pending = Pending();
        var (device, user, _) = pending.Create("10.0.0.7", null);
        Assert.True(pending.Decide(user, approver: null));
        var denied = pending.Poll(device);
        Assert.Equal((DevicePoll.Denied, null), (denied.Error, denied.Approver));
        Assert.Equal(DevicePoll.Invalid, pending.Poll(device).Error);
    }

    [Fact]
    public void Polling_sooner_than_the_interval_answers_slow_down_and_the_interval_grows_by_five_seconds_each_time()
    {
        var pending = Pending();
        var (device, _, _) = pending.Create("10.0.0.7", null);
        clock.Advance(TimeSpan.FromSeconds(4));
        var early = pending.Poll(device);
        Assert.Equal((DevicePoll.SlowDown, TimeSpan.FromSeconds(10)), (early.Error, early.Interval));
        clock.Advance(TimeSpan.FromSeconds(9));
        var still = pending.Poll(device);
        Assert.Equal((DevicePoll.SlowDown, TimeSpan.FromSeconds(15)), (still.Error, still.Interval));
        clock.Advance(TimeSpan.FromSeconds(15));
        var patient = pending.Poll(device);
        Assert.Equal((DevicePoll.Pending, TimeSpan.FromSeconds(15)), (patient.Error, patient.Interval));
    }

    [Fact]
    public void An_expired_request_answers_expired_token_once_and_its_code_no_longer_opens_it()
    {
        var pending = Pending();
        var (device, user, _) = pending.Create("10.0.0.7", null);
        clock.Advance(Options.Lifetime);
        Assert.Null(pending.Find(user));
        Assert.False(pending.Decide(user, Alice));
        Assert.Equal(DevicePoll.Expired, pending.Poll(device).Error);
        Assert.Equal(DevicePoll.Invalid, pending.Poll(device).Error);
    }

    [Fact]
    public void An_approval_not_collected_before_the_code_expires_gives_no_token()
    {
        var pending = Pending();
        var (device, user, _) = pending.Create("10.0.0.7", null);
        Assert.True(pending.Decide(user, Alice));
        clock.Advance(Options.Lifetime);
        Assert.Equal(DevicePoll.Expired, pending.Poll(device).Error);
    }

    [Fact]
    public void A_tampered_unknown_or_missing_device_code_is_invalid_grant()
    {
        var pending = Pending();
        var (device, _, _) = pending.Create("10.0.0.7", null);
        var tampered = (device![0] == 'A' ? "B" : "A") + device[1..];
        Assert.Equal(DevicePoll.Invalid, pending.Poll(tampered).Error);
        Assert.Equal(DevicePoll.Invalid, pending.Poll(DeviceCode.New()).Error);
        Assert.Equal(DevicePoll.Invalid, pending.Poll(null).Error);
        Assert.Equal(DevicePoll.Invalid, pending.Poll(new string('A', 5000)).Error);
        // The tampered tries did not spend the real request.
        clock.Advance(Options.Interval);
        Assert.Equal(DevicePoll.Pending, pending.Poll(device).Error);
    }

    [Fact]
    public void The_requests_held_are_bounded_per_address_and_in_all_and_expired_ones_make_room()
    {
        var pending = Pending(new DeviceSignInOptions { MaxPending = 3, MaxPendingPerAddress = 2 });
        Assert.Null(pending.Create("10.0.0.1", null).Refusal);
        Assert.Null(pending.Create("10.0.0.1", null).Refusal);
        Assert.Contains("from 10.0.0.1 are pending already", pending.Create("10.0.0.1", null).Refusal);
        Assert.Null(pending.Create("10.0.0.2", null).Refusal);
        Assert.Contains("3 pending device sign-ins already", pending.Create("10.0.0.3", null).Refusal);
        Assert.Equal(3, pending.Count);
        clock.Advance(Options.Lifetime);
        Assert.Null(pending.Create("10.0.0.3", null).Refusal);
        Assert.Equal(1, pending.Count);
    }

    [Fact]
    public void Device_codes_are_32_random_bytes_and_only_their_hash_is_kept()
    {
        var pending = Pending();
        var (device, _, _) = pending.Create("10.0.0.7", null);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(device).Length);
        Assert.NotEqual(device, pending.Create("10.0.0.7", null).DeviceCode);
        Assert.Equal(64, DeviceCode.Hash(device!).Length);
    }
}
