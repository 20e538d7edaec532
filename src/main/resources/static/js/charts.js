// Charts with Chart.js (served from its WebJar): rows and duration per run, documents/s of the running sync.
// Colours come from the page's CSS variables so the charts follow light and dark mode.

const charts = new Map();

function color(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function themed(options) {
  const text = color('--muted');
  const grid = color('--line');
  const axis = extra => ({ ticks: { color: text }, grid: { color: grid }, ...extra });
  return {
    responsive: true, maintainAspectRatio: false, animation: false,
    plugins: { legend: { labels: { color: text } } },
    ...options,
    scales: Object.fromEntries(Object.entries(options.scales || {}).map(([k, v]) => [k, axis(v)])),
  };
}

function draw(canvas, config) {
  if (!window.Chart || !canvas) return null;
  const old = charts.get(canvas.id);
  if (old && old.canvas === canvas) {
    old.data = config.data;
    old.options = config.options;
    old.update('none');
    return old;
  }
  if (old) old.destroy();
  const chart = new window.Chart(canvas, config);
  charts.set(canvas.id, chart);
  return chart;
}

/**
 * One point per sync job: rows written by all its collections, and its duration (first start to last end).
 * History rows come newest first.
 */
export function runsOf(history) {
  const runs = new Map();
  for (const h of history) {
    if (h.status === 'in_progress' || !h.completedAt) continue;
    const key = h.jobId ?? `h${h.id}`;
    const run = runs.get(key) || { start: h.startedAt, end: h.completedAt, rows: 0, failed: false };
    if (h.startedAt < run.start) run.start = h.startedAt;
    if (h.completedAt > run.end) run.end = h.completedAt;
    run.rows += Number(h.recordsSynced) || 0;
    run.failed = run.failed || h.status === 'failed';
    runs.set(key, run);
  }
  return [...runs.values()].sort((a, b) => a.start.localeCompare(b.start));
}

export function drawRunsChart(canvas, history) {
  const runs = runsOf(history);
  const labels = runs.map(r => new Date(r.start).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }));
  const accent = color('--accent');
  const ok = color('--ok');
  const bad = color('--bad');
  return draw(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'bar', label: 'Rows written', data: runs.map(r => r.rows), yAxisID: 'rows',
          backgroundColor: runs.map(r => r.failed ? bad : ok) },
        { type: 'line', label: 'Duration (s)', data: runs.map(r => (new Date(r.end) - new Date(r.start)) / 1000),
          yAxisID: 'seconds', borderColor: accent, backgroundColor: accent, tension: 0.2 },
      ],
    },
    options: themed({
      scales: {
        x: {},
        rows: { position: 'left', beginAtZero: true, title: { display: true, text: 'rows', color: color('--muted') } },
        seconds: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
          title: { display: true, text: 'seconds', color: color('--muted') } },
      },
    }),
  });
}

/** Documents per second between consecutive progress updates of one job. */
export function drawRateChart(canvas, points) {
  const data = [];
  for (let i = 1; i < points.length; i++) {
    const seconds = (points[i].t - points[i - 1].t) / 1000;
    if (seconds > 0) data.push({ x: points[i].t, y: Math.max(0, (points[i].processed - points[i - 1].processed) / seconds) });
  }
  const start = points.length ? points[0].t : 0;
  const accent = color('--accent');
  return draw(canvas, {
    type: 'line',
    data: {
      labels: data.map(p => `${Math.round((p.x - start) / 1000)} s`),
      datasets: [{ label: 'Documents/s', data: data.map(p => Math.round(p.y)), borderColor: accent,
        backgroundColor: accent, pointRadius: 0, tension: 0.25, fill: false }],
    },
    options: themed({ scales: { x: {}, y: { beginAtZero: true } } }),
  });
}

/** Redraws every chart with the current theme (after a switch between light and dark). */
export function retheme() {
  for (const chart of charts.values()) {
    const text = color('--muted');
    const grid = color('--line');
    Object.values(chart.options.scales || {}).forEach(s => {
      s.ticks = { ...(s.ticks || {}), color: text };
      s.grid = { ...(s.grid || {}), color: grid };
    });
    chart.options.plugins.legend.labels.color = text;
    chart.update('none');
  }
}

export function forget(canvasId) {
  const chart = charts.get(canvasId);
  if (chart) chart.destroy();
  charts.delete(canvasId);
}
