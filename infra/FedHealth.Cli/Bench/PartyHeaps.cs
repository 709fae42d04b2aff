namespace FedHealth.Cli.Bench;

/// <summary>
/// Every party of a bench round runs in this one process, but in a federation each has its own heap: the garbage of
/// ten sites' 88 MB vectors is not the coordinator's to collect. Before a party's step is timed, the heap is collected
/// (untimed) once enough has been allocated since the last time, so no party pays for another's garbage while what
/// it allocates itself, and collects, stays in its figure.
/// </summary>
internal static class PartyHeaps
{
    private const long Allowance = 256L << 20;
    private static long collectedAt;

    public static void Separate()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated - collectedAt < Allowance) return;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        collectedAt = GC.GetTotalAllocatedBytes();
    }
}
