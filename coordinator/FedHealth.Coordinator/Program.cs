return await FedHealth.Coordinator.CoordinatorProgram.RunAsync(args);
