namespace FedHealth.Contracts;

/// <summary>
/// A model of each site's own, next to the global one; unless cross-site evaluation is asked for, it never leaves the site, only its held-out figures do.
/// <see cref="Method"/> "finetune": after the last round each site trains the final global model <see cref="Epochs"/>
/// more epochs on its rows. "ditto" (Li et al., ICML 2021): every round each site also trains its personal model
/// with λ/2·‖v − w_global‖² pulling it towards that round's global model. With <see cref="CrossSiteEvaluation"/> the
/// personal models travel once, to be scored on the other sites' rows.
/// </summary>
public sealed record PersonalisationSpec
{
    public required string Method { get; init; }
    /// <summary>finetune: local epochs on the final global model.</summary>
    public int Epochs { get; init; } = 5;
    /// <summary>
    /// finetune: <see cref="Epochs"/> is the most; each site chooses how many (0: keep the global model) by
    /// cross-validation on its own training rows.
    /// </summary>
    public bool EarlyStopping { get; init; }
    /// <summary>ditto: λ, how strongly the personal model is held to the global one (0 would be purely local).</summary>
    public double Lambda { get; init; } = 0.1;
    /// <summary>
    /// After the last round, every final model (global and each shared personal one) is scored on every site's
    /// held-out rows, a matrix in the job report. A site shares its personal model only if its policy allows the data
    /// kind personalModel; refused beside secure aggregation and site-level DP, whose protection a single site's model would bypass.
    /// </summary>
    public bool CrossSiteEvaluation { get; init; }
}
