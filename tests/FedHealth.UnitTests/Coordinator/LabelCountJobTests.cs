using FedHealth.Contracts;
using FedHealth.Coordinator.Jobs;
using FedHealth.Coordinator.Jobs.Kinds;
using FedHealth.Learning.Jobs;
using FedHealth.Privacy.SecureAggregation;

namespace FedHealth.Tests.Coordinator;

/// <summary>
/// The second kind of job, a count of rows per label under secure sum, on the kernel: real protocol clients for four
/// sites, one of which drops out after sharing; the kernel's steps, left-out reasons and replay serve it unchanged.
/// </summary>
public sealed class LabelCountJobTests() : SecureJobTestBase(Sites, Spec)
{
    private static readonly string[] Sites = ["A", "B", "C", "D"];

    private static readonly JobSpec Spec = new()
    {
        Kind = JobKinds.LabelCounts, Name = "rows per label", Schema = "toy", FeatureNames = JobFixtures.Features, MinSites = 3,
        RoundDeadline = TimeSpan.FromMinutes(1),
    };


    [Fact]
    public void The_consortium_learns_its_rows_per_label_and_a_site_that_drops_after_sharing_is_left_out_with_its_masks_removed()
    {
        Assert.Empty(JobSpecRules.Problems(Spec));
        Assert.Equal(("counting", 1), (state.Status, state.Spec.Rounds));
        var request = Assert.IsType<CountRequested>(state.Kind.CollectionRequest(state, ledgerHead: null));
        Assert.Equal(["0", "1"], request.Labels);
        Assert.Equal(3, state.SecureSettings!.Threshold);

        var counts = new Dictionary<string, long[]> { ["A"] = [40, 10, 50], ["B"] = [7, 3, 10], ["C"] = [100, 60, 160], ["D"] = [9, 9, 18] };
        var clients = Sites.ToDictionary(s => s, s => new SecureRoundClient(s, identities[s], keys.Trust.Sites, job, 1, state.SecureSettings!, 3));
        foreach (var s in Sites) Decide(clients[s].Advertise());
        var collected = Assert.IsType<MaskingKeysCollected>(state.PendingBroadcast);
        foreach (var s in Sites) Decide(clients[s].OnKeysCollected(collected));
        var relayed = Assert.IsType<SharesRelayed>(state.PendingBroadcast);
        foreach (var s in new[] { "A", "B", "C" }) Decide(clients[s].OnSharesRelayed(relayed, Input(counts[s]), 0, "", null));

        // D never sends its masked counts: at the deadline the others unmask without it.
        Take(state.OnDeadline(state.Step, state.Deadline));
        var unmask = Assert.IsType<UnmaskingRequested>(state.PendingBroadcast);
        foreach (var s in new[] { "A", "B", "C" }) if (!state.HasEnded) Decide(clients[s].OnUnmaskingRequested(unmask));

        Assert.Equal(JobPhase.Completed, state.Phase);
        var report = state.Summary().LabelCounts!;
        Assert.Equal([147L, 73L], report.Labels.Select(l => l.Rows!.Value));
        Assert.Equal(220, report.TotalRows);
        Assert.Equal(["A", "B", "C"], report.Contributors);
        Assert.Contains("dropped after sharing", Assert.Single(report.LeftOut, l => l.SiteId == "D").Reason);
        Assert.Null(state.Model()); // no model to download

        var replayed = new JobState(keys);
        foreach (var e in journal) replayed.Apply(e);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(state.Summary(), WireJson.Options),
            System.Text.Json.JsonSerializer.Serialize(replayed.Summary(), WireJson.Options));
    }

    [Fact]
    public void A_small_total_is_withheld_and_a_sum_that_is_not_whole_counts_is_tried_again()
    {
        var kind = new LabelCountKind();
        var folded = kind.FoldSecureSum(state,
            new SecureSum([FixedPointRing.Encode(3), FixedPointRing.Encode(200), FixedPointRing.Encode(203)], ["A", "B", "C"], [], [], T0));
        kind.Apply(folded[0]);
        Assert.Equal([null, 200L], kind.Report!.Labels.Select(l => l.Rows));
        Assert.Equal(ScoreHistogram.MinCell, kind.Report.SuppressedBelow);

        var bad = kind.FoldSecureSum(state,
            new SecureSum([FixedPointRing.Encode(2.5), FixedPointRing.Encode(1), FixedPointRing.Encode(3.5)], ["A", "B", "C"], [], [], T0));
        Assert.Equal(2, Assert.IsType<RoundStartedEvent>(Assert.Single(bad)).Attempt);
    }

    [Fact]
    public void A_count_spec_with_training_settings_is_refused_naming_each_field_and_an_unknown_kind_is_named()
    {
        var problems = string.Join(" | ", JobSpecRules.Problems(Spec with
        {
            SecureAggregation = false,
            Model = JobFixtures.Model,
            Privacy = new DpSgdSettings { ClipNorm = 1, NoiseMultiplier = 1, SamplingRate = 0.1 },
        }));
        Assert.Contains("secureAggregation:", problems);
        Assert.Contains("model:", problems);
        Assert.Contains("privacy:", problems);
        Assert.Contains("kind: 'census' is not a kind of job", string.Join(" | ", JobSpecRules.Problems(JobFixtures.Spec() with { Kind = "census" })));
    }

    [Fact]
    public void Plain_updates_are_refused_in_a_count()
    {
        Assert.Contains("secure aggregation", state.OnUpdate(JobFixtures.Update(job, 1, "A", [1, 2, 3], 10), T0).Refusal);
    }

    private static ulong[] Input(long[] counts) => counts.Select(c => FixedPointRing.Encode(c)).ToArray();
}
