namespace FedHealth.Dashboard.Security.Device;

/// <summary>
/// Approving a device sign-in mints a new token, so it takes a person's browser session (cookie and anti-forgery token):
/// a bearer token, stolen or not, must not be able to mint more tokens and so outlive itself.
/// </summary>
public sealed class BrowserSessionOnlyFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        DashboardSecurity.UsesToken(context.HttpContext)
            ? ValueTask.FromResult<object?>(Results.Json(
                new
                {
                    error = "approve a command line's sign-in on the dashboard's /device page, signed in with the browser: " +
                        "a bearer token cannot grant tokens",
                },
                statusCode: StatusCodes.Status403Forbidden))
            : next(context);
}
