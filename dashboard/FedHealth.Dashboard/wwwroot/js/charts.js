// Line and bar charts (Chart.js, bundled from npm). Each chart sits in a <figure> whose caption says what it shows;
// the same figures are in the tables next to it for screen readers and keyboard users.
const palette = ["#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#0b7285", "#e67700", "#5c940d"];
export const colour = i => palette[i % palette.length];

export function lineChart(canvas, { labels, series, yTitle, yMin, yMax }) {
  return new Chart(canvas, {
    type: "line",
    data: { labels, datasets: series.map((s, i) => ({
      label: s.label, data: s.data, borderColor: s.colour ?? colour(i), backgroundColor: s.colour ?? colour(i),
      borderDash: s.dashed ? [6, 4] : [], pointRadius: s.dashed ? 0 : 3, spanGaps: true, tension: 0.15,
    })) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { x: { title: { display: true, text: "round" } }, y: { title: { display: true, text: yTitle }, min: yMin, max: yMax } },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

export function barChart(canvas, { labels, series, yTitle }) {
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: s.colour ?? colour(i) })) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: "round" } }, y: { title: { display: true, text: yTitle }, beginAtZero: true } },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

/** Replaces a chart's data in place (no flicker, no new canvas). */
export function update(chart, labels, series) {
  chart.data.labels = labels;
  series.forEach((s, i) => {
    if (chart.data.datasets[i]) { chart.data.datasets[i].data = s.data; chart.data.datasets[i].label = s.label; }
    else chart.data.datasets.push({ label: s.label, data: s.data, borderColor: s.colour ?? colour(i), backgroundColor: s.colour ?? colour(i), borderDash: s.dashed ? [6, 4] : [] });
  });
  chart.data.datasets.length = series.length;
  chart.update();
}
