using System.Text.Json;
using FedHealth.Messaging;
using MassTransit;
using Microsoft.AspNetCore.Diagnostics;

namespace FedHealth.Dashboard;

/// <summary>
/// Turns what goes wrong into a JSON answer a person can act on: a body that does not parse names the field and
/// position (400), a coordinator that does not answer, or answers that it is not ready, is 503 with the reason. Nothing else leaks a stack trace.
/// </summary>
public static class ApiErrors
{
    public static void UseApiErrors(this WebApplication app) => app.UseExceptionHandler(error => error.Run(async context =>
    {
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, message) = failure switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (400, $"the body is not valid JSON for this request: {json.Message}"),
            BadHttpRequestException bad => (bad.StatusCode, bad.Message),
            RequestTimeoutException or RequestFaultException =>
                (503, CoordinatorUnavailableException.Explain(failure, TimeSpan.FromSeconds(CoordinatorRequests.TimeoutSeconds))!),
            OperationCanceledException => (499, "the request was cancelled"),
            _ => (500, "the dashboard failed to handle this request; its log has the details"),
        };
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { error = message });
    }));
}
