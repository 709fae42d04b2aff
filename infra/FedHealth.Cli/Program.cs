using System.CommandLine;
using FedHealth.Cli;

FedHealth.Governance.OwnerOnlyFiles.Apply();
return await FedHealthCommands.Root().Parse(args).InvokeAsync();
