FedHealth.Governance.OwnerOnlyFiles.Apply();
return await FedHealth.Coordinator.CoordinatorProgram.RunAsync(args);
