using FedHealth.Cli;
using FedHealth.Cli.Local;
using FedHealth.Coordinator.Hosting;
using FedHealth.Coordinator.Ledger;
using FedHealth.Governance;
using FedHealth.Tests.Support;
using Npgsql;

namespace FedHealth.Tests.Governance;

/// <summary>The journal and its ledger in a real PostgreSQL server, verified and tampered with there.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlLedgerTests(PostgreSqlServer server) : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_federation_journals_to_PostgreSQL_and_ledger_verify_catches_an_edit_there()
    {
        var connection = server.NewDatabase();
        var run = await new LocalFederation(new LocalRunOptions
        {
            Rounds = 2, Headless = true, DataDir = temp.Path, PostgreSqlJournal = connection, FederationDir = LocalRunOptions.DefaultFederationDir(),
        }, TextWriter.Null).Run(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Equal("completed", run.Summary.Outcome);

        var stored = LedgerStore.Read(CoordinatorOptions.PostgreSql, connection);
        Assert.True(stored.Count > 5);
        Assert.True(ChainVerification.Verify(stored).Intact);
        Assert.Equal(0, await CliRunner.Run("ledger", "verify", "--connection", connection));

        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await using var edit = new NpgsqlCommand(
                "UPDATE journal SET message = convert_to(replace(convert_from(message, 'UTF8'), '\"Decision\":\"allowed\"', " +
                    "'\"Decision\":\"refused\"'), 'UTF8') " +
                "WHERE persistence_id = 'transfer-ledger' AND sequence_number = 2", db);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }
        var report = ChainVerification.Verify(LedgerStore.Read(CoordinatorOptions.PostgreSql, connection));
        Assert.False(report.Intact);
        Assert.Equal(2, report.FirstBadSequence);
        Assert.Equal(1, await CliRunner.Run("ledger", "verify", "--connection", connection));
    }


    public void Dispose() => temp.Dispose();
}
