// What a job's figures are called, by its model's task (spec.model.task). The figures travel in the same fields for
// every task: a binary job's auc is the ROC AUC, its loss the log-loss; a survival job's auc is Harrell's C-index
// (of the round, of a group, of a cross-site cell), it has no accuracy (NaN, shown as a dash or left out) and its loss
// is the Cox partial likelihood per event; each site's evaluation carries its Harrell pair counts (pairs: true). Every
// view names figures through here.
const tasks = {
  binary: {
    task: "binary", described: "binary outcome", discrimination: "AUC", accuracy: true, pairs: false,
    loss: "Loss", lossWord: "loss", lossNote: "", lossTitle: "log-loss (cross-entropy) per held-out row", tooFew: "under 10 of a class",
  },
  survival: {
    task: "survival", described: "survival (time to event)", discrimination: "C-index", accuracy: false, pairs: true,
    loss: "Cox loss", lossWord: "Cox loss", lossNote: " (partial likelihood per event)",
    lossTitle: "Cox loss: the negative log partial likelihood per event (Breslow ties)", tooFew: "under 10 events or censored rows",
  },
};

export const taskOf = model => model?.task === "survival" ? "survival" : "binary";
/** The labels of a job's figures (a job summary, or anything with spec.model). */
export const metricsOf = job => tasks[taskOf(job?.spec?.model)];
/** The labels of a task by name ("binary" when unknown or missing). */
export const metricsOfTask = task => tasks[task === "survival" ? "survival" : "binary"];
