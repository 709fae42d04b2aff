using FedHealth.Tests.Support;

namespace FedHealth.Tests.Governance;

/// <summary>What a coordinator writes (the journal, with the ledger in it) is readable by its owner only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyFilesTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task The_coordinator_process_creates_its_journal_and_data_folder_readable_by_its_owner_only()
    {
        var dataDir = Path.Combine(temp.Path, "coordinator");
        using (var coordinator = new DeployableProcess("coordinator", "FedHealth.Coordinator.dll",
            $"--Coordinator:DataDir={dataDir}"))
        {
            await Eventually.Get(() => Task.FromResult(coordinator.Output.Contains("job index ready") ? "ready" : null), TimeSpan.FromSeconds(60),
                "the coordinator's job index to be ready (its journal written)");
        }
        var journal = Path.Combine(dataDir, "journal.db");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
    }

    public void Dispose() => temp.Dispose();
}
