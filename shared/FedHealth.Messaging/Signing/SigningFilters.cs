using MassTransit;

namespace FedHealth.Messaging.Signing;

/// <summary>Signs each message this process sends (requests, answers): <see cref="MessageSigning.Sign"/>.</summary>
public sealed class SignSentFilter<T>(MessageSigning signing) : IFilter<SendContext<T>> where T : class
{
    public Task Send(SendContext<T> context, IPipe<SendContext<T>> next)
    {
        signing.Sign(context, context.Message);
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("fedhealthSign");
}

/// <summary>Signs each message this process publishes (round requests, site answers, events): <see cref="MessageSigning.Sign"/>.</summary>
public sealed class SignPublishedFilter<T>(MessageSigning signing) : IFilter<PublishContext<T>> where T : class
{
    public Task Send(PublishContext<T> context, IPipe<PublishContext<T>> next)
    {
        signing.Sign(context, context.Message);
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("fedhealthSign");
}

/// <summary>
/// Hands a message on to its consumers only when its rightful sender signed it (<see cref="MessageSigning.Admits"/>).
/// A refused message reaches no consumer, so MassTransit moves it to the endpoint's <c>_skipped</c> queue, kept there
/// for whoever investigates.
/// </summary>
public sealed class VerifyIncomingFilter<T>(MessageSigning signing) : IFilter<ConsumeContext<T>> where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next) =>
        signing.Admits(context, context.Message) ? next.Send(context) : Task.CompletedTask;

    public void Probe(ProbeContext context) => context.CreateFilterScope("fedhealthVerify");
}
