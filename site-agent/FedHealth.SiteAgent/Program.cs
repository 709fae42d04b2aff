FedHealth.Governance.OwnerOnlyFiles.Apply();
return await FedHealth.Sites.SiteAgentProgram.RunAsync(args);
