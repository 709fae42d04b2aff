using FedHealth.Contracts;

namespace FedHealth.Learning.Metrics;

/// <summary>
/// Makes a site's confusion matrix safe to leave it (<see cref="MulticlassFigures"/>): the diagonal stays exact; every
/// off-diagonal cell of 1 to <c>minCell</c> − 1 rows is sent as 0. A row's suppressed rows are known (its class's rows
/// minus its cells), so where they would all sit in the one cell of the row shown as 0, that cell would be told; then the
/// row's smallest shown off-diagonal cell is suppressed too, so at least two cells could hold them.
/// </summary>
public static class ConfusionSuppression
{
    public static long[][] Suppress(IReadOnlyList<IReadOnlyList<long>> exact, int minCell = ScoreHistogram.MinCell)
    {
        var k = exact.Count;
        var sent = exact.Select(row => row.ToArray()).ToArray();
        for (var r = 0; r < k; r++)
        {
            var suppressed = 0L;
            for (var c = 0; c < k; c++)
                if (c != r && !SmallCellCoarsening.IsSafeCell(sent[r][c], minCell)) { suppressed += sent[r][c]; sent[r][c] = 0; }
            if (suppressed == 0 || ShownAsZero(sent[r], r) >= 2) continue;
            var smallest = Enumerable.Range(0, k).Where(c => c != r && sent[r][c] > 0).MinBy(c => sent[r][c]);
            sent[r][smallest] = 0;
        }
        return sent;
    }

    /// <summary>What is wrong with a confusion matrix a site sent: a small off-diagonal cell, or a row whose suppressed rows one cell would tell.</summary>
    public static string? Problem(IReadOnlyList<IReadOnlyList<long>> sent, IReadOnlyList<long> classRows)
    {
        for (var r = 0; r < sent.Count; r++)
        {
            for (var c = 0; c < sent.Count; c++)
                if (c != r && !SmallCellCoarsening.IsSafeCell(sent[r][c]))
                    return $"confusion[{r}][{c}] holds {sent[r][c]} rows: an off-diagonal cell of 1 to {ScoreHistogram.MinCell - 1} rows could single " +
                        $"out patients (send 0 or {ScoreHistogram.MinCell}+)";
            var remainder = classRows[r] - sent[r].Sum();
            if (remainder > 0 && ShownAsZero(sent[r], r) < 2)
                return $"confusion[{r}] leaves {remainder} suppressed rows in a single cell shown as 0, which tells that cell";
        }
        return null;
    }

    private static int ShownAsZero(IReadOnlyList<long> row, int diagonal) => Enumerable.Range(0, row.Count).Count(c => c != diagonal && row[c] == 0);
}
