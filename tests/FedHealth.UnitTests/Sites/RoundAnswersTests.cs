using FedHealth.Contracts;
using FedHealth.SiteAgent;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

/// <summary>What a site remembers per round: the latest attempt heard, one answer per round, all of a job forgotten at once.</summary>
[Collection(TorchCollection.Name)]
public sealed class RoundAnswersTests
{
    [Fact]
    public void An_earlier_attempt_after_a_later_one_is_not_answered_and_a_round_keeps_one_answer_until_the_job_is_forgotten()
    {
        var answers = new RoundAnswers();
        var (job, other) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.True(answers.IsLatest(job, 1, attempt: 2));
        Assert.False(answers.IsLatest(job, 1, attempt: 1));
        Assert.True(answers.IsLatest(job, 1, attempt: 2));

        answers.Remember(job, 1, Answer(job, 1, "round 1"));
        answers.Remember(other, 1, Answer(other, 1, "other job"));
        Assert.True(answers.TryGet(job, 1, out var first));
        Assert.Equal("round 1", ((RoundDeclined)first).Reason);
        answers.Remember(job, 2, Answer(job, 2, "round 2"));
        Assert.False(answers.TryGet(job, 1, out _));

        answers.Forget(job);
        Assert.False(answers.Holds(job));
        Assert.True(answers.Holds(other));
        Assert.True(answers.IsLatest(job, 1, attempt: 1));
    }

    private static RoundDeclined Answer(Guid job, int round, string reason) => new() { JobId = job, Round = round, SiteId = "A", Reason = reason };
}
