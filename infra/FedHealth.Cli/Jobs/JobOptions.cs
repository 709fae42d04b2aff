using System.CommandLine;

namespace FedHealth.Cli.Jobs;

/// <summary>The options every `fedhealth job` verb takes: where the dashboard is and how to sign in to it.</summary>
internal sealed record JobOptions(Option<string> Url, Option<string> User, Option<string?> Token, Option<bool> PasswordStdin, Option<bool> Json,
    Option<string> TokensFile)
{
    public static JobOptions Create() => new(
            new Option<string>("--url")
            {
                Description = "The dashboard's address (FEDHEALTH_DASHBOARD_URL)", Recursive = true,
                DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDHEALTH_DASHBOARD_URL") ?? "http://127.0.0.1:5080",
            },
            new Option<string>("--user")
            {
                Description = "The dashboard account to sign in as (FEDHEALTH_USER); its password from FEDHEALTH_PASSWORD or --password-stdin",
                Recursive = true, DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDHEALTH_USER") ?? "lead",
            },
            new Option<string?>("--token")
            {
                Description = "A bearer token from the dashboard's /api/token instead of signing in (FEDHEALTH_TOKEN)", Recursive = true,
                DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FEDHEALTH_TOKEN"),
            },
            new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input", Recursive = true },
            new Option<bool>("--json") { Description = "Answer in JSON (one object per line where the answer streams)", Recursive = true },
            new Option<string>("--tokens-file")
            {
                Description = "Where `job login` keeps its tokens, one per dashboard (mode 600)", Recursive = true,
                DefaultValueFactory = _ => TokenFile.DefaultPath(),
            });
}
