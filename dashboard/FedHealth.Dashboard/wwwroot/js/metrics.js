// What a job's figures are called, by its model's task (spec.model.task), and where each task keeps its headline
// figure (figure(m) of a metrics record: what charts, tables and the best checkpoint go by). A binary job's headline is
// the ROC AUC (metrics.auc), its loss the log-loss; a survival job's is Harrell's C-index (also in metrics.auc: of the
// round, of a group, of a cross-site cell), it has no accuracy (NaN, shown as a dash or left out) and its loss is the Cox
// partial likelihood per event; each site's evaluation carries its Harrell pair counts (pairs: true). A multiclass job's
// headline is its accuracy, with balanced accuracy, macro one-vs-rest AUC and a confusion matrix in metrics.multiclass;
// a regression job's is its RMSE (lower is better), with MAE and R² in metrics.regression; neither fills metrics.auc.
// extra lists a task's other figures: [column heading, getter, name within a sentence]. Every view names figures through here.
const tasks = {
  binary: {
    task: "binary", described: "binary outcome", discrimination: "AUC", accuracy: true, pairs: false, higherIsBetter: true, yMin: 0.4, yMax: 1,
    figure: m => m?.auc, extra: [], groupScore: g => g.auc,
    loss: "Loss", lossWord: "loss", lossNote: "", lossTitle: "log-loss (cross-entropy) per held-out row", tooFew: "under 10 of a class",
  },
  survival: {
    task: "survival", described: "survival (time to event)", discrimination: "C-index", accuracy: false, pairs: true, higherIsBetter: true,
    yMin: 0.4, yMax: 1, figure: m => m?.auc, extra: [], groupScore: g => g.auc,
    loss: "Cox loss", lossWord: "Cox loss", lossNote: " (partial likelihood per event)",
    lossTitle: "Cox loss: the negative log partial likelihood per event (Breslow ties)", tooFew: "under 10 events or censored rows",
  },
  multiclass: {
    task: "multiclass", described: "multiclass (one of several classes)", discrimination: "accuracy", accuracy: false, pairs: false,
    higherIsBetter: true, yMin: 0, yMax: 1, figure: m => m?.accuracy, groupScore: g => g.score,
    extra: [["Balanced accuracy", m => m?.multiclass?.balancedAccuracy, "balanced accuracy"], ["Macro AUC", m => m?.multiclass?.macroAuc, "macro AUC"]],
    loss: "Cross-entropy", lossWord: "cross-entropy", lossNote: "", lossTitle: "softmax cross-entropy per held-out row", tooFew: "under 20 rows",
  },
  regression: {
    task: "regression", described: "regression (a number)", discrimination: "RMSE", accuracy: false, pairs: false, higherIsBetter: false,
    yMin: 0, yMax: undefined, figure: m => m?.regression?.rmse, groupScore: g => g.score,
    extra: [["MAE", m => m?.regression?.mae, "MAE"], ["R²", m => m?.regression?.r2, "R²"]],
    loss: "Squared error", lossWord: "squared error", lossNote: " (standardised label)",
    lossTitle: "mean squared error of the label as the schema standardises it, per held-out row", tooFew: "under 20 rows",
  },
};

const known = task => Object.hasOwn(tasks, task ?? "") ? task : "binary";
export const taskOf = model => known(model?.task);
/** The labels of a job's figures (a job summary, or anything with spec.model). */
export const metricsOf = job => tasks[taskOf(job?.spec?.model)];
/** The labels of a task by name ("binary" when unknown or missing). */
export const metricsOfTask = task => tasks[known(task)];
