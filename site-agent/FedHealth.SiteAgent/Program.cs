return await FedHealth.Sites.SiteAgentProgram.RunAsync(args);
