using FedHealth.Messaging;

namespace FedHealth.Tests.Messaging;

/// <summary>The bus settings a deployable refuses before it opens any connection, each naming the setting to change.</summary>
public sealed class BusOptionsTests
{
    [Fact]
    public void Plain_amqp_is_refused_unless_development_mode_allows_it_and_the_error_never_shows_the_password()
    {
        var plain = new BusOptions { Transport = BusOptions.RabbitMq, Uri = "amqp://site-a:s3cret@broker.example.org:5672/" };
        var error = Assert.Throws<ArgumentException>(plain.Validate).Message;
        Assert.Contains("plain AMQP", error);
        Assert.Contains("Bus:AllowPlainAmqp=true", error);
        Assert.Contains("amqps://", error);
        Assert.DoesNotContain("s3cret", error);
        Assert.Contains("site-a:***@broker.example.org", error);

        plain.AllowPlainAmqp = true;
        plain.Validate();
        new BusOptions { Transport = BusOptions.InMemory }.Validate();
    }

    [Theory]
    [InlineData("amqp://site-a:s3cret@broker:56x72/")]
    [InlineData("amqp:/site-a:s3cret@broker")]
    public void An_address_that_does_not_parse_still_never_shows_its_password(string uri)
    {
        var error = Assert.Throws<ArgumentException>(new BusOptions { Transport = BusOptions.RabbitMq, Uri = uri }.Validate).Message;
        Assert.DoesNotContain("s3cret", error);
    }

    [Fact]
    public void Certificate_login_needs_tls_and_a_client_certificate()
    {
        var withoutTls = new BusOptions { Transport = BusOptions.RabbitMq, Uri = "amqp://broker:5672/", AllowPlainAmqp = true, CertificateLogin = true };
        Assert.Contains("Bus:CertificateLogin", Assert.Throws<ArgumentException>(withoutTls.Validate).Message);
    }
}

/// <summary>No FedHealth bus reports to MassTransit's vendor: the only connection a deployable opens is to its broker.</summary>
public sealed class UsageTelemetryTests
{
    [Theory]
    [InlineData(BusOptions.InMemory)]
    [InlineData(BusOptions.RabbitMq)]
    public void Every_federation_bus_has_masstransit_usage_telemetry_off(string transport)
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddFederationBus(new BusOptions { Transport = transport, AllowPlainAmqp = true }, _ => { }, (_, _) => { });
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var options = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<MassTransit.UsageTelemetryOptions>>(provider).Value;
        Assert.False(options.Enabled);
    }
}
