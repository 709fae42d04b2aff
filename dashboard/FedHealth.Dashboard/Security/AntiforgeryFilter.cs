using Microsoft.AspNetCore.Antiforgery;

namespace FedHealth.Dashboard.Security;

/// <summary>
/// Every change made with a browser cookie must carry the anti-forgery token the page fetched from /api/session,
/// so another site cannot make a signed-in lead's browser launch or stop a job. Token-authenticated API calls pass.
/// </summary>
public sealed class AntiforgeryFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!DashboardSecurity.UsesToken(http) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            return Results.BadRequest(
                new { error = $"missing or invalid anti-forgery token (header {DashboardSecurity.CsrfHeader}): reload the page and try again" });
        return await next(context);
    }
}
