using System.CommandLine;
using FedHealth.Dashboard.Security;

namespace FedHealth.Cli;

/// <summary>`fedhealth accounts add|remove|list`: the dashboard's local accounts (hashed passwords in a JSON file).</summary>
public static class AccountCommands
{
    public static Command Create()
    {
        var file = new Option<string>("--file") { Description = "The accounts file the dashboard reads (Dashboard:AccountsFile)", Required = true };
        var user = new Option<string>("--user") { Description = "User name", Required = true };
        var role = new Option<string>("--role") { Description = "lead, auditor or site-admin", Required = true };
        role.AcceptOnlyFromAmong([.. DashboardRoles.All]);
        var add = new Command("add", $"Add or replace an account; the password is read from standard input (at least {AccountStore.MinPasswordLength} " +
            "characters).") { file, user, role };
        add.SetAction(result => CliErrors.Guarded(() =>
        {
            var password = Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? "";
            new AccountStore(result.GetValue(file)!).Save(result.GetValue(user)!, result.GetValue(role)!, password);
            Console.WriteLine($"{result.GetValue(user)} ({result.GetValue(role)}) saved in {result.GetValue(file)}");
            return 0;
        }));
        var remove = new Command("remove", "Remove an account.") { file, user };
        remove.SetAction(result => CliErrors.Guarded(() =>
        {
            if (new AccountStore(result.GetValue(file)!).Remove(result.GetValue(user)!)) { Console.WriteLine($"removed {result.GetValue(user)}"); return 0; }
            Console.Error.WriteLine($"error: no account {result.GetValue(user)} in {result.GetValue(file)}");
            return 1;
        }));
        var list = new Command("list", "List accounts and their roles (never passwords).") { file };
        list.SetAction(result => CliErrors.Guarded(() =>
        {
            foreach (var a in new AccountStore(result.GetValue(file)!).Load()) Console.WriteLine($"{a.User}\t{a.Role}");
            return 0;
        }));
        return new Command("accounts", "Dashboard sign-in accounts: leads launch jobs, auditors and site admins read.") { add, remove, list };
    }

}
