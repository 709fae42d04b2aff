using System.Runtime.InteropServices;

namespace FedHealth.Governance;

/// <summary>
/// Every file a FedHealth process creates is readable by its owner only: the journal (jobs, the ledger), audit logs,
/// logs naming sites and patients' row counts, keys and budgets. Set as the process's umask at start, so files made by
/// libraries too (SQLite's journal.db, its -wal and -shm files) get it; they were world-readable (mode 644).
/// </summary>
public static class OwnerOnlyFiles
{
    /// <summary>Files 600, folders 700. Does nothing where there is no umask (Windows).</summary>
    public static void Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = umask(0b000_111_111);
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code, and umask takes and returns a plain integer.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054
}
