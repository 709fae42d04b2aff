using FedHealth.Monitoring;

namespace FedHealth.Tests.Messaging;

/// <summary>A decline's free-text reason maps to one of a few metric categories, as the site agent words its reasons.</summary>
public sealed class DeclineCategoryTests
{
    [Theory]
    [InlineData("site policy: transfers of model updates to US are not allowed", "policy")]
    [InlineData("privacy budget: this round would raise ε from 2.100 to 3.400, over the site's budget of 3", "privacy")]
    [InlineData("site DE-GBSG has a differential-privacy budget (ε ≤ 3) and takes part only in DP-SGD jobs", "privacy")]
    [InlineData("the update does not fit the round's secure sum: value 9e9 is outside ±5.2e5", "secure_aggregation")]
    [InlineData("secure aggregation: the round's coordinator key is unknown", "secure_aggregation")]
    [InlineData("site X holds schema 'gbsg' (age, size), the job asks for 'wdbc'", "schema")]
    [InlineData("global model refused: 3 tensors, expected 2", "model")]
    [InlineData("the job's task survival is not this site's label's (binary)", "model")]
    [InlineData("the agent is shutting down", "other")]
    public void A_reason_falls_in_its_category(string reason, string category)
    {
        Assert.Equal(category, DeclineCategory.Of(reason));
        Assert.Contains(category, DeclineCategory.All);
    }
}
