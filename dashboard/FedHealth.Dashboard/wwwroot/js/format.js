// Small helpers every view uses: escaping (all server text goes through esc), numbers, times.
export const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
export const num = (x, d = 3) => (x === null || x === undefined || x === "NaN" || Number.isNaN(Number(x))) ? "–" : Number(x).toFixed(d);
export const time = t => t ? new Date(t).toLocaleString() : "–";
export const ago = t => {
  if (!t) return "never";
  const s = Math.max(0, Math.round((Date.now() - new Date(t).getTime()) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};
export const bytes = n => n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
export const statusBadge = status => `<span class="badge status-${esc(status)}">${esc(status)}</span>`;
export const html = (strings, ...values) => strings.reduce((out, s, i) => out + s + (i < values.length ? values[i] : ""), "");
