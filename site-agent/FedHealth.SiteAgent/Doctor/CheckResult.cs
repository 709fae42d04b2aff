namespace FedHealth.SiteAgent.Doctor;

public enum CheckStatus { Pass, Warn, Fail }

/// <summary>One check's verdict as IT reads it: `PASS name: detail`, and on a failure what to do about it.</summary>
public sealed record CheckResult(CheckStatus Status, string Name, string Detail, string? Fix = null)
{
    public static CheckResult Pass(string name, string detail) => new(CheckStatus.Pass, name, detail);
    public static CheckResult Warn(string name, string detail) => new(CheckStatus.Warn, name, detail);
    public static CheckResult Fail(string name, string detail, string fix) => new(CheckStatus.Fail, name, detail, fix);

    public override string ToString() =>
        $"{Status.ToString().ToUpperInvariant()} {Name}: {Detail}" +
            (Status == CheckStatus.Fail && Fix is not null ? $"{Environment.NewLine}  fix: {Fix}" : "");
}
