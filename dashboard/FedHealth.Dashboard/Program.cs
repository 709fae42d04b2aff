FedHealth.Governance.OwnerOnlyFiles.Apply();
return await FedHealth.Dashboard.DashboardProgram.RunAsync(args);

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
