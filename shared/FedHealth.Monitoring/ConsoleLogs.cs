using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FedHealth.Monitoring;

/// <summary>
/// How every deployable writes its log to the console: one line an entry, each stamped with UTC time to the
/// millisecond, so an operator (or a failed test's dump) can lay a site's log beside the coordinator's and see what
/// happened in which order across an outage.
/// </summary>
public static class ConsoleLogs
{
    public static ILoggingBuilder AddFedHealthConsole(this ILoggingBuilder logging) => logging.AddSimpleConsole(Configure);

    public static void Configure(SimpleConsoleFormatterOptions options)
    {
        options.SingleLine = true;
        options.UseUtcTimestamp = true;
        options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
    }
}
