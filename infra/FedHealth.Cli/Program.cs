using System.CommandLine;
using FedHealth.Cli;

return await FedHealthCommands.Root().Parse(args).InvokeAsync();
