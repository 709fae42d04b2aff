using Microsoft.Extensions.Logging;

namespace FedHealth.Cli.Local;

/// <summary>Appends log lines to one file in the data directory, so the console keeps only the round table.</summary>
public sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    private readonly StreamWriter writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    private readonly object gate = new();

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (gate) writer.Dispose();
    }

    private void Write(string line)
    {
        lock (gate) writer.WriteLine(line);
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            provider.Write($"{DateTimeOffset.UtcNow:O} {logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : $"\n{exception}")}");
        }
    }
}
