using System.Text.Encodings.Web;

namespace FedHealth.Dashboard.Security;

/// <summary>
/// The page a browser sees when a provider's sign-in ends without a session: it comes back from the provider as a
/// navigation, not a call of the page's script, so the answer is a page of its own (encoded text, the dashboard's style,
/// a way back). No script: the content security policy allows none inline.
/// </summary>
public static class SignInPage
{
    public static Task Write(HttpResponse response, int status, string title, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var html = HtmlEncoder.Default;
        return response.WriteAsync($"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{html.Encode(title)} - FedHealth</title><link rel="stylesheet" href="/app.css"></head>
            <body><main id="main"><section class="narrow card">
            <h1>{html.Encode(title)}</h1>
            <p class="error" id="sign-in-refused">{html.Encode(message)}</p>
            <p><a class="button" href="/">Back to sign-in</a></p>
            </section></main></body>
            </html>
            """);
    }
}
