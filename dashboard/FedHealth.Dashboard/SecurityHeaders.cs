namespace FedHealth.Dashboard;

/// <summary>
/// The page runs only its own bundled scripts and styles and talks only to its own origin (the API and the hub):
/// a content security policy that says so ('self' covers
/// the hub's WebSocket on the same host and port; ws: and wss: alone would allow any host), and no framing, sniffing or referrer leaks.
/// </summary>
public static class SecurityHeaders
{
    private const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
                                  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public static void UseSecurityHeaders(this WebApplication app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Path.StartsWithSegments("/api")) headers.CacheControl = "no-store";
        await next();
    });
}
