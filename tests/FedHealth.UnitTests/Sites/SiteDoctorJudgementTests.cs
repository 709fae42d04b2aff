using System.Net.Sockets;
using FedHealth.Contracts;
using FedHealth.Governance;
using FedHealth.Learning.Models.Architectures;
using FedHealth.SiteAgent.Doctor;
using RabbitMQ.Client.Exceptions;
using FedHealth.Tests.Support;

namespace FedHealth.Tests.Sites;

[Collection(TorchCollection.Name)]
public sealed class SiteDoctorJudgementTests
{
    [Theory]
    [InlineData(5L << 30, CheckStatus.Pass)]
    [InlineData(DiskSpaceCheck.WarnBelow, CheckStatus.Pass)]
    [InlineData(DiskSpaceCheck.WarnBelow - 1, CheckStatus.Warn)]
    [InlineData(DiskSpaceCheck.FailBelow, CheckStatus.Warn)]
    [InlineData(DiskSpaceCheck.FailBelow - 1, CheckStatus.Fail)]
    public void Disk_space_warns_under_one_GiB_and_fails_under_100_MiB(long free, CheckStatus expected)
    {
        var result = DiskSpaceCheck.Judge("/var/lib/site", free);

        Assert.Equal(expected, result.Status);
        Assert.Equal(expected == CheckStatus.Fail, result.Fix is not null);
    }

    [Theory]
    [InlineData(0, "yes\n", CheckStatus.Pass, "synchronised")]
    [InlineData(0, "no\n", CheckStatus.Warn, "not NTP-synchronised")]
    [InlineData(1, "", CheckStatus.Warn, "could not determine")]
    [InlineData(null, "", CheckStatus.Warn, "could not determine")]
    public void Clock_reads_timedatectls_answer(int? exitCode, string output, CheckStatus expected, string says)
    {
        var result = ClockCheck.Judge(exitCode, output);

        Assert.Equal(expected, result.Status);
        Assert.Contains(says, result.Detail);
    }

    [Theory]
    [InlineData("auto", true, CheckStatus.Pass)]
    [InlineData("auto", false, CheckStatus.Warn)]
    [InlineData("cuda", true, CheckStatus.Pass)]
    [InlineData("cuda", false, CheckStatus.Fail)]
    [InlineData("cpu", true, CheckStatus.Pass)]
    public void Device_falls_back_to_the_cpu_with_a_warning_and_fails_a_required_gpu_that_is_absent(string configured, bool cuda, CheckStatus expected)
    {
        Assert.Equal(expected, TorchChecks.Judge(configured, cuda, cuda ? 1 : 0, null).Status);
    }

    [Fact]
    public void Models_warn_without_a_models_section_and_name_the_approved_digests_and_each_limit()
    {
        SitePolicy Policy(ModelPolicy? models) =>
            new() { Jurisdiction = "DE", Consortia = ["c"], Destinations = [], DataKinds = [], Models = models };

        Assert.Equal(CheckStatus.Warn, ModelsCheck.Policy(null).Status);
        Assert.Equal(CheckStatus.Warn, ModelsCheck.Policy(Policy(null)).Status);
        Assert.Equal(CheckStatus.Warn, ModelsCheck.Policy(Policy(new ModelPolicy())).Status);
        var limited = ModelsCheck.Policy(Policy(new ModelPolicy { MaxParameters = 1_000_000, LayerKinds = ["linear", "relu"], Tasks = ["binary"] }));
        Assert.Equal(CheckStatus.Pass, limited.Status);
        Assert.Equal("no digests approved; any other model within at most 1,000,000 parameters; layer kinds linear, relu; tasks binary", limited.Detail);
        var digests = new[] { "sha256:" + new string('a', 64), "sha256:" + new string('b', 64) };
        Assert.Equal($"2 digests approved ({digests[0]}, {digests[1]}); no limits, so no other model is trained",
            ModelsCheck.Policy(Policy(new ModelPolicy { AllowedDigests = digests })).Detail);
    }

    [Fact]
    public void Model_presets_show_their_digest_and_size_on_the_sites_features_and_whether_the_policy_takes_them()
    {
        string[] features = ["age", "size", "nodes"];
        var mlp = Architecture.Resolve(new ModelSpec { Kind = "mlp", Features = 3 });

        var results = ModelsCheck.Presets(new ModelPolicy { LayerKinds = ["linear"] }, features).ToList();

        Assert.Equal(["model logistic", "model mlp"], results.Select(r => r.Name));
        Assert.Equal(CheckStatus.Pass, results[0].Status);
        Assert.EndsWith("(4 parameters on the schema's 3 features): accepted, within the policy's limits", results[0].Detail);
        Assert.Equal(CheckStatus.Warn, results[1].Status);
        Assert.Equal($"{mlp.Digest} (16 hidden units, 81 parameters on the schema's 3 features): refused, it uses relu, and the policy allows only linear " +
            "(add its digest to models.allowedDigests to train it)", results[1].Detail);
        Assert.All(ModelsCheck.Presets(new ModelPolicy { AllowedDigests = [mlp.Digest] }, features),
            r => Assert.Equal(r.Name == "model mlp" ? CheckStatus.Pass : CheckStatus.Warn, r.Status));
    }

    [Fact]
    public void On_a_multiclass_site_the_presets_end_in_its_classes_and_a_policy_of_binary_tasks_refuses_them()
    {
        string[] features = ["age", "size", "nodes"];
        var results = ModelsCheck.Presets(new ModelPolicy { Tasks = ["binary"] }, features, ModelTasks.Multiclass, classes: 4).ToList();
        var logistic = Architecture.Resolve(new ModelSpec { Kind = "logistic", Features = 3, Task = ModelTasks.Multiclass, Classes = 4 });
        Assert.Equal($"{logistic.Digest} (16 parameters on the schema's 3 features): refused, its task is multiclass, and the policy allows only binary " +
            "(add its digest to models.allowedDigests to train it)", results[0].Detail);
        Assert.All(results, r => Assert.Equal(CheckStatus.Warn, r.Status));
    }

    [Theory]
    [InlineData("digits", "digits-01.json", "rows by class: 36 '0'")]
    [InlineData("pima-glucose", "us-pima-01.json", "'glucose' from")]
    public void The_data_check_counts_a_multiclass_sites_rows_by_class_and_gives_a_regression_labels_range(string federation, string site, string says)
    {
        var config = FedHealth.SiteAgent.SiteConfigFile.Load(Path.Combine(Paths.RepositoryRoot, "infra", "federations", federation, "sites", site));
        var result = DataCheck.Run(config);
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains(says, result.Detail);
    }

    [Fact]
    public void Broker_failures_are_told_apart_from_what_RabbitMQ_Client_throws()
    {
        BrokerUnreachableException Wrapping(Exception inner) => new(inner);

        Assert.Equal(BrokerCheck.Outcome.AuthFailed, BrokerCheck.Classify(Wrapping(new AuthenticationFailureException("ACCESS_REFUSED"))));
        Assert.Equal(BrokerCheck.Outcome.Refused,
            BrokerCheck.Classify(Wrapping(new AggregateException(new SocketException((int)SocketError.ConnectionRefused)))));
        Assert.Equal(BrokerCheck.Outcome.UnknownHost, BrokerCheck.Classify(Wrapping(new SocketException((int)SocketError.HostNotFound))));
        Assert.Equal(BrokerCheck.Outcome.TimedOut, BrokerCheck.Classify(Wrapping(new TimeoutException())));
        Assert.Equal(BrokerCheck.Outcome.Other, BrokerCheck.Classify(new InvalidOperationException("odd")));
    }

    [Fact]
    public void Broker_verdicts_never_show_the_password()
    {
        var uri = new Uri("amqp://site-a:s3cret@broker.example.org:5672/");

        foreach (var outcome in Enum.GetValues<BrokerCheck.Outcome>())
        {
            var result = BrokerCheck.Judge(uri, outcome, certificateUser: null, "detail");
            Assert.DoesNotContain("s3cret", result.ToString());
            Assert.Equal(outcome == BrokerCheck.Outcome.Reachable, result.Status == CheckStatus.Pass);
        }
    }
}
