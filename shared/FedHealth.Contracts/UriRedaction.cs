namespace FedHealth.Contracts;

/// <summary>A broker address as it may appear in a message or log: any password replaced by ***.</summary>
public static class UriRedaction
{
    public static string Redact(string uri)
    {
        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.UserInfo.Contains(':'))
            return new UriBuilder(parsed) { Password = "***" }.Uri.ToString();
        // Not a URI with user info (or not a URI at all): hide whatever stands between the scheme and the last '@',
        // where a password would be.
        var at = uri.LastIndexOf('@');
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        return at < 0 ? uri : (scheme >= 0 && scheme < at ? uri[..(scheme + 3)] : "") + "***" + uri[at..];
    }
}
