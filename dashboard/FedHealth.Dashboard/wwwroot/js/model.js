// A model as a person reads it: a preset by name, a declared network by its layers (kind and the numbers that shape
// it, compactly), and its digest and parameter count (what a hospital's policy approves) in a layout made to copy.
import { esc } from "./format.js";

const shaped = l => [l.kernel != null ? `k${l.kernel}` : "", l.stride != null ? `s${l.stride}` : "", l.padding ? `p${l.padding}` : ""].filter(Boolean).join(" ");

export const describeLayer = l => {
  const kind = String(l?.kind ?? "?");
  const parts = kind === "linear" ? [l.units]
    : kind === "conv1d" || kind === "conv2d" ? [`${l.units}`, shaped(l)]
    : kind.includes("pool") && !kind.startsWith("adaptive") ? [shaped(l)]
    : kind.startsWith("adaptive") ? [`→${l.output}`]
    : kind === "dropout" ? [l.p ?? 0.5]
    : kind === "embedding" ? [`${l.feature} ${l.categories}→${l.dimensions}`]
    : kind === "residual" ? [`(${(l.layers ?? []).map(describeLayer).join(" → ")})`]
    : [];
  const text = [kind, ...parts.filter(p => p != null && p !== "")].join(" ");
  return l?.bias === false ? `${text} no bias` : text;
};

export const describeModel = model => !model ? "no model"
  : model.kind === "logistic" ? "logistic regression"
  : model.kind === "mlp" ? `MLP (${model.hiddenUnits} hidden units)`
  : model.kind === "declared" ? `declared network: ${(model.layers ?? []).map(describeLayer).join(" → ")}`
  : String(model.kind);

// The digest whole, in a <code> a click selects entirely; the parameter count beside it.
export const modelFigures = (digest, parameters, id = "model-digest") => digest == null ? "" :
  `<span class="parameters"><strong>${Number(parameters).toLocaleString("en")}</strong> parameters</span> · digest <code id="${id}" class="digest">${esc(digest)}</code>`;
