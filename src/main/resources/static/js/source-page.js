// The page of one data source: status and actions, live progress, charts, history, collections and configuration.

import { api, ApiError } from './api.js';
import { esc, num, timeTag, duration, describeCron, atZone, exact } from './format.js';
import { store, can, mergeSource, progressOf } from './store.js';
import { setHtml, statusBadges, progressRow, syncControls } from './widgets.js';
import { drawRunsChart, drawRateChart, forget } from './charts.js';
import { syncConfigForm, wireSyncConfigForm, wireCronPreview } from './forms.js';

const PAGE_SIZE = 20;

const page = {
  id: null,
  main: null,
  history: { offset: 0, status: '', total: 0, items: [] },
  chartHistory: [],
  tables: [],
  rejects: [],
  pending: new Map(),
};

export const currentSourceId = () => page.id;

export async function renderSourcePage(main, id) {
  page.id = id;
  page.main = main;
  page.history = { offset: 0, status: '', total: 0, items: [] };
  forget('rate-chart');
  forget('runs-chart');
  main.innerHTML = `<section class="source-page" aria-labelledby="source-title" data-action-scope>
    <p><a href="#/">← All data sources</a></p>
    <div class="section-head"><h2 id="source-title"><span class="source-name">…</span>
      <span class="title-badges"></span></h2></div>
    <p class="source-description muted"></p>
    <div class="actions source-actions"></div>
    <p class="action-error error" role="alert"></p>
    <p class="test-result" role="status"></p>
    <dl class="facts source-facts"></dl>
    <div class="last-error" hidden><h3>Last error</h3><pre class="error"></pre></div>
    <div class="stream" hidden></div>
    </section>
    <section class="panel" aria-labelledby="running-title">
      <h3 id="running-title">Running now</h3>
      <div class="running"></div>
      <div class="chart-box" id="rate-box" hidden><canvas id="rate-chart" role="img"
        aria-label="Documents per second of the running sync"></canvas></div>
    </section>
    <section class="panel" aria-labelledby="runs-title">
      <h3 id="runs-title">Runs over time</h3>
      <div class="chart-box"><canvas id="runs-chart" role="img" aria-label="Rows written and duration of each run"></canvas></div>
      <p class="hint runs-empty" hidden>No finished run yet.</p>
    </section>
    <section class="panel" aria-labelledby="history-title">
      <div class="section-head"><h3 id="history-title">History</h3>
        <label>Status <select id="history-status">
          <option value="">all</option><option value="completed">completed</option>
          <option value="failed">failed</option><option value="cancelled">cancelled</option>
          <option value="in_progress">in progress</option></select></label></div>
      <div class="table-wrap"><table class="history">
        <caption class="visually-hidden">Sync history, newest first</caption>
        <thead><tr><th scope="col">Collection</th><th scope="col">Type</th><th scope="col">Status</th>
          <th scope="col" class="n">Rows</th><th scope="col" class="n">Rejected</th><th scope="col">Started</th>
          <th scope="col" class="n">Duration</th><th scope="col">Notes</th></tr></thead>
        <tbody id="history-rows"></tbody></table></div>
      <nav class="pager" aria-label="History pages">
        <button type="button" id="history-prev">Newer</button>
        <span id="history-range" aria-live="polite"></span>
        <button type="button" id="history-next">Older</button></nav>
    </section>
    <section class="panel" aria-labelledby="collections-title">
      <h3 id="collections-title">Collections</h3><div class="collections"></div>
    </section>
    <section class="panel" aria-labelledby="config-title">
      <h3 id="config-title">Sync configuration</h3><div class="config"></div>
    </section>`;
  main.querySelector('#history-status').addEventListener('change', e => {
    page.history.status = e.target.value;
    page.history.offset = 0;
    loadHistory();
  });
  main.querySelector('#history-prev').addEventListener('click', () => {
    page.history.offset = Math.max(0, page.history.offset - PAGE_SIZE);
    loadHistory();
  });
  main.querySelector('#history-next').addEventListener('click', () => {
    page.history.offset += PAGE_SIZE;
    loadHistory();
  });

  try {
    const [source, status, config] = await Promise.all([
      api(`/api/data-sources/${id}`), api(`/api/data-sources/${id}/sync-status`), api(`/api/data-sources/${id}/sync-config`)]);
    if (page.id !== id) return;
    mergeSource(source);
    store.statuses.set(id, status);
    store.configs.set(id, config);
    updateSourcePage();
    renderConfig(config);
  } catch (e) {
    if (page.id !== id) return;
    main.querySelector('.source-name').textContent = 'Data source ' + id;
    main.querySelector('.action-error').textContent = e instanceof ApiError && e.status === 404
      ? `There is no data source ${id} (it may have been deleted).` : e.message;
    return;
  }
  try {
    await Promise.all([loadHistory(), loadDetails()]);
  } catch (e) {
    if (page.id === id) main.querySelector('.action-error').textContent = e.message;
  }
}

/** Redraws the parts that follow the live state: badges, facts, actions and progress. */
export function updateSourcePage() {
  const main = page.main;
  const source = store.sources.get(page.id);
  if (!main || !source || !main.querySelector('.source-page')) return;
  const status = store.statuses.get(page.id) || {};
  const config = store.configs.get(page.id) || {};
  const effective = config.effective || {};
  main.querySelector('.source-name').textContent = source.name;
  document.title = `${source.name} · mongo-pg-sync`;
  setHtml(main.querySelector('.title-badges'), statusBadges(source));
  main.querySelector('.source-description').textContent = [source.description,
    source.database ? `database ${source.database}` : '', source.connectionString].filter(Boolean).join(' · ');
  let actions = syncControls(source);
  if (can('testConnection')) actions += ' <button type="button" data-action="test-connection" data-id="' + source.id + '">Test connection</button>';
  if (can('manageSources')) actions += ' <button type="button" class="danger" data-action="delete" data-id="' + source.id + '">Delete…</button>';
  setHtml(main.querySelector('.source-actions'), actions);

  const schedule = effective.schedule
    ? `${esc(describeCron(effective.schedule))}${effective.nextRunAt ? `, next at ${esc(atZone(effective.nextRunAt, effective.scheduleTimeZone))}` : ''}`
    : 'not scheduled';
  const job = source.job || status.job;
  setHtml(main.querySelector('.source-facts'), `
    <div><dt>Last sync</dt><dd>${timeTag(source.lastSyncAt)}</dd></div>
    <div><dt>Rows imported</dt><dd>${num(source.totalRecordsSynced)}</dd></div>
    <div><dt>Schedule</dt><dd class="schedule-words">${schedule}</dd></div>
    <div><dt>Job</dt><dd>${job ? `${esc(job.status)} ${esc(job.syncType || '')} job ${esc(job.id)}` : 'none'}</dd></div>`);

  const error = source.syncStatus === 'failed' ? (status.syncErrorMessage || source.syncErrorMessage) : null;
  const errorBox = main.querySelector('.last-error');
  errorBox.hidden = !error;
  errorBox.querySelector('pre').textContent = error || '';

  const stream = main.querySelector('.stream');
  if (status.stream) {
    stream.hidden = false;
    setHtml(stream, `<h3>Change stream</h3><dl class="facts">
      <div><dt>State</dt><dd>${esc(status.stream.state)}</dd></div>
      <div><dt>Lag</dt><dd>${status.stream.lagMs === null || status.stream.lagMs === undefined ? '—' : num(Math.round(status.stream.lagMs)) + ' ms'}</dd></div>
      <div><dt>Events applied</dt><dd>${num(status.stream.eventsApplied)}</dd></div></dl>`);
  } else {
    stream.hidden = true;
    setHtml(stream, '');
  }

  const rows = progressOf(source);
  setHtml(main.querySelector('.running'), rows.length ? rows.map(progressRow).join('')
    : '<p class="hint">Nothing is running.</p>');
  const points = source.job ? store.rates.get(source.job.id) || [] : [];
  const rateBox = main.querySelector('#rate-box');
  rateBox.hidden = points.length < 3;
  if (!rateBox.hidden) drawRateChart(main.querySelector('#rate-chart'), points);
}

/** Reloads what changes when a run starts or ends: history, charts, collections. Bunched. */
export function reloadRuns(id) {
  if (id !== page.id || page.pending.has('runs')) return;
  page.pending.set('runs', setTimeout(async () => {
    page.pending.delete('runs');
    if (id !== page.id) return;
    try {
      await Promise.all([loadHistory(), loadDetails()]);
    } catch (e) {
      // the next event or the reconnect brings it
    }
  }, 300));
}

async function loadHistory() {
  const id = page.id;
  const h = page.history;
  const query = `limit=${PAGE_SIZE}&offset=${h.offset}${h.status ? `&status=${encodeURIComponent(h.status)}` : ''}`;
  const answer = await api(`/api/data-sources/${id}/history?${query}`);
  if (id !== page.id) return;
  h.total = answer.total;
  h.items = answer.items;
  const body = page.main.querySelector('#history-rows');
  setHtml(body, answer.items.length ? answer.items.map(historyRow).join('')
    : `<tr><td colspan="8" class="hint">${h.status ? 'No run with this status.' : 'No run yet.'}</td></tr>`);
  page.main.querySelector('#history-range').textContent = answer.total
    ? `${h.offset + 1}–${h.offset + answer.items.length} of ${answer.total}` : '0 runs';
  page.main.querySelector('#history-prev').disabled = h.offset === 0;
  page.main.querySelector('#history-next').disabled = h.offset + answer.items.length >= answer.total;
}

function historyRow(h) {
  const m = h.syncMetadata || {};
  const notes = [m.modeReason, (m.typeConflicts || []).length ? `type conflicts: ${m.typeConflicts.map(c => c.field).join(', ')}` : '',
    h.errorMessage].filter(Boolean);
  const ms = m.durationMs ?? (h.completedAt ? new Date(h.completedAt) - new Date(h.startedAt) : null);
  return `<tr data-history-id="${h.id}" data-status="${esc(h.status)}">
    <td data-label="Collection">${esc(h.collectionName)}</td><td data-label="Type">${esc(m.mode || h.syncType)}</td>
    <td data-label="Status"><span class="badge badge-${esc(h.status === 'in_progress' ? 'running' : h.status)}">${esc(h.status.replace('_', ' '))}</span></td>
    <td class="n" data-label="Rows">${num(h.recordsSynced)}</td><td class="n" data-label="Rejected">${num(h.recordsFailed)}</td>
    <td data-label="Started">${timeTag(h.startedAt)}</td>
    <td class="n" data-label="Duration">${h.completedAt ? esc(duration(ms)) : '—'}</td>
    <td class="notes${h.errorMessage ? ' error' : ''}"${notes.length ? ' data-label="Notes"' : ''}>${esc(notes.join(' · '))}</td></tr>`;
}

async function loadDetails() {
  const id = page.id;
  const [history, tables, rejects] = await Promise.all([
    api(`/api/data-sources/${id}/history?limit=200`), api(`/api/data-sources/${id}/tables`),
    // Rejected documents carry data: viewers may read them only where the service allows it (403 otherwise).
    api(`/api/data-sources/${id}/rejects?limit=200`).catch(e => {
      if (e instanceof ApiError && e.status === 403) return null;
      throw e;
    })]);
  if (id !== page.id) return;
  page.chartHistory = history.items;
  const finished = history.items.some(h => h.completedAt);
  page.main.querySelector('.runs-empty').hidden = finished;
  page.main.querySelector('#runs-chart').parentElement.hidden = !finished;
  if (finished) drawRunsChart(page.main.querySelector('#runs-chart'), history.items);
  renderCollections(tables, history.items, rejects);
}

function renderCollections(tables, history, rejects) {
  const latest = new Map();
  for (const h of history) if (!latest.has(h.collectionName) && h.status !== 'in_progress') latest.set(h.collectionName, h);
  const names = [...new Set([...tables.map(t => t.collection), ...latest.keys()])].sort();
  const box = page.main.querySelector('.collections');
  const open = new Set([...box.querySelectorAll('details[open]')].map(d => d.dataset.collection));
  if (!names.length) {
    setHtml(box, '<p class="hint">No collection imported yet.</p>');
    return;
  }
  const withheld = rejects === null
    ? '<p class="hint" id="rejects-withheld">Rejected documents are not shown: they contain data, which your role may not read.</p>'
    : '';
  rejects = rejects || [];
  setHtml(box, withheld + names.map(name => {
    const table = tables.find(t => t.collection === name);
    const run = latest.get(name);
    const m = (run && run.syncMetadata) || {};
    const conflicts = m.typeConflicts || [];
    const renamed = Object.entries(m.renamedFields || {});
    const own = rejects.filter(r => r.collectionName === name);
    const summary = [table ? `table ${table.table}` : 'no table', table ? `${table.columns.length} columns` : '',
      conflicts.length ? `${conflicts.length} type conflict${conflicts.length > 1 ? 's' : ''}` : '',
      own.length ? `${own.length} rejected` : '', run && run.status === 'failed' ? 'last run failed' : ''].filter(Boolean).join(' · ');
    return `<details data-collection="${esc(name)}"${open.has(name) ? ' open' : ''}>
      <summary><b>${esc(name)}</b> <span class="muted">${esc(summary)}</span></summary>
      ${run && run.errorMessage ? `<p class="error">${esc(run.errorMessage)}</p>` : ''}
      ${table ? `<div class="table-wrap"><table><caption class="visually-hidden">Columns of ${esc(table.table)}</caption>
        <thead><tr><th scope="col">Field</th><th scope="col">Column</th><th scope="col">Type</th><th scope="col">BSON types seen</th></tr></thead>
        <tbody>${table.columns.map(c => `<tr><td>${esc(c.field)}</td><td><code>${esc(c.column)}</code></td>
          <td>${esc(c.type)}</td><td>${esc((c.bsonTypes || []).join(', '))}</td></tr>`).join('')}</tbody></table></div>` : ''}
      ${conflicts.length ? `<h4>Type conflicts</h4><ul>${conflicts.map(c => `<li><code>${esc(c.field)}</code>: seen as
        ${esc((c.bsonTypes || []).join(', '))}, stored as ${esc(c.columnType)}</li>`).join('')}</ul>` : ''}
      ${renamed.length ? `<h4>Renamed fields</h4><ul>${renamed.map(([f, c]) => `<li><code>${esc(f)}</code> → <code>${esc(c)}</code></li>`).join('')}</ul>` : ''}
      ${own.length ? `<h4>Rejected documents</h4><div class="table-wrap"><table><thead><tr><th scope="col">Document _id</th>
        <th scope="col">Reason</th><th scope="col">When</th></tr></thead><tbody>${own.map(r => `<tr><td><code>${esc(r.documentId ?? '(none)')}</code></td>
        <td>${esc(r.reason)}</td><td title="${esc(exact(r.rejectedAt))}">${timeTag(r.rejectedAt)}</td></tr>`).join('')}</tbody></table></div>` : ''}
    </details>`;
  }).join(''));
}

function renderConfig(config) {
  const box = page.main.querySelector('.config');
  box.innerHTML = syncConfigForm(page.id, config, can('editConfig'));
  const form = box.querySelector('form');
  if (can('editConfig')) {
    wireSyncConfigForm(form, config, saved => {
      store.configs.set(page.id, saved);
      updateSourcePage();
    });
  } else {
    wireCronPreview(form);
  }
}
