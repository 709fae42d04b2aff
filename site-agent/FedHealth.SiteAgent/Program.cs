FedHealth.Governance.OwnerOnlyFiles.Apply();
return await FedHealth.SiteAgent.SiteAgentProgram.RunAsync(args);
