// Start-up, sign-in, navigation, live events and the actions buttons trigger.

import { api, ApiError, token, authHeaders, onUnauthorized } from './api.js';
import { connectLive } from './live.js';
import { refreshTimes } from './format.js';
import { store, can, mergeSource, recordRate } from './store.js';
import { renderOverview, updateOverview, renderFigures } from './overview.js';
import { renderSourcePage, updateSourcePage, reloadRuns, currentSourceId } from './source-page.js';
import { renderSourceForm } from './forms.js';
import { retheme } from './charts.js';

const main = document.getElementById('main');
const liveState = document.getElementById('live-state');
const announcer = document.getElementById('announcer');
let live = null;

// ---- sign-in -------------------------------------------------------------------------------------------------

async function start() {
  let me;
  try {
    me = await api('/api/me', { quiet401: true });
  } catch (e) {
    if (e.status === 401) {
      const hadToken = token.get() !== null;
      token.clear();
      return showLogin(hadToken ? 'That token was not accepted (expired, revoked or mistyped). Paste a valid one.' : '');
    }
    return showBlocked(e.status === 0 ? e.message : `The dashboard could not ask the service who is signed in: ${e.message}`, true);
  }
  if (!me.role) {
    // A JWT whose roles claim names no role of the service: signed in, but allowed nothing beyond /api/me.
    document.getElementById('who').textContent = me.subject;
    return showBlocked(`You are signed in as ${me.subject}, but your token carries no role of this service `
      + '(viewer, operator or admin); ask an administrator for one.');
  }
  store.user = me;
  liveState.hidden = false;
  document.getElementById('login').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('who').textContent = `${me.subject} · ${me.role}`;
  document.getElementById('sign-out').hidden = false;
  try {
    await loadSources();
  } catch (e) {
    if (e.status === 401) return;   // the sign-in screen is already shown
    return showBlocked(e.status === 403 ? e.message : `The dashboard could not load the data sources: ${e.message}`,
      e.status !== 403);
  }
  route();
  startLive();
}

function showLogin(message) {
  if (live) { live.stop(); live = null; }
  store.user = null;
  liveState.hidden = true;
  document.getElementById('who').textContent = '';
  document.getElementById('sign-out').hidden = true;
  document.getElementById('app').hidden = true;
  const login = document.getElementById('login');
  login.hidden = false;
  login.querySelector('.form-error').textContent = message || '';
  const input = login.querySelector('#token');
  input.value = '';
  input.focus();
}

function showBlocked(message, retry) {
  if (live) { live.stop(); live = null; }
  store.user = null;
  liveState.hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('login').hidden = true;
  document.getElementById('sign-out').hidden = token.get() === null;
  main.innerHTML = `<section class="panel"><h2>${retry ? 'Service unreachable' : 'Access denied'}</h2>
    <p class="error" role="alert"></p>
    ${retry ? '<p><button type="button" id="retry-start">Try again</button></p>' : '<p>Sign out and sign in with a token that has access to the dashboard.</p>'}</section>`;
  main.querySelector('.error').textContent = message;
  const again = main.querySelector('#retry-start');
  if (again) again.addEventListener('click', start);
}

document.getElementById('login-form').addEventListener('submit', event => {
  event.preventDefault();
  const value = document.getElementById('token').value.trim();
  if (!value) {
    document.querySelector('#login .form-error').textContent = 'Paste your API token first.';
    return;
  }
  token.set(value);
  start();
});

document.getElementById('sign-out').addEventListener('click', event => {
  event.preventDefault();
  token.clear();
  store.user = null;
  showLogin('You are signed out.');
});

onUnauthorized(() => {
  token.clear();
  showLogin('Your session ended (the token expired or was revoked). Sign in again.');
});

// ---- data and navigation --------------------------------------------------------------------------------------

async function loadSources() {
  const sources = await api('/api/data-sources');
  const ids = new Set(sources.map(s => s.id));
  [...store.sources.keys()].filter(id => !ids.has(id)).forEach(id => store.sources.delete(id));
  sources.forEach(mergeSource);
  // Next run, drift and stream per card arrive afterwards, without holding up the page; a failure leaves "—".
  for (const s of sources) {
    api(`/api/data-sources/${s.id}/sync-config`).then(c => { store.configs.set(s.id, c); redraw(s.id); }).catch(() => {});
    refreshStatus(s.id, 0);
  }
}

const statusRefreshes = new Map();

/** Re-reads a source's sync-status (error in full, drift, stream) after a change; bunched to one call per second. */
function refreshStatus(id, delay = 1000) {
  if (statusRefreshes.has(id)) return;
  statusRefreshes.set(id, setTimeout(async () => {
    statusRefreshes.delete(id);
    try {
      store.statuses.set(id, await api(`/api/data-sources/${id}/sync-status`));
      redraw(id);
    } catch (e) {
      // the next change or the reconnect brings it
    }
  }, delay));
}

async function loadMetrics() {
  try { renderFigures(main, await api('/api/metrics')); } catch (e) { /* figures stay as they were */ }
}

function route() {
  const hash = location.hash || '#/';
  let m;
  if (hash === '#/sources/new') {
    if (!can('manageSources')) { location.hash = '#/'; return; }
    document.title = 'Register a data source · mongo-pg-sync';
    renderSourceForm(main, created => {
      mergeSource(created);
      location.hash = `#/sources/${created.id}`;
    });
  } else if ((m = /^#\/sources\/(\d+)$/.exec(hash))) {
    renderSourcePage(main, Number(m[1]));
  } else {
    document.title = 'mongo-pg-sync';
    renderOverview(main);
    loadMetrics();
  }
  const heading = main.querySelector('h2');
  if (heading && document.activeElement === document.body) heading.setAttribute('tabindex', '-1');
}

window.addEventListener('hashchange', () => { if (store.user) route(); });

function redraw(sourceId) {
  if (main.querySelector('#overview')) updateOverview(main);
  if (currentSourceId() === sourceId) updateSourcePage();
}

// ---- live events ----------------------------------------------------------------------------------------------

function startLive() {
  if (live) live.stop();
  live = connectLive({
    url: '/api/events',
    headers: authHeaders,
    onState: state => {
      liveState.dataset.state = state;
      liveState.textContent = state === 'live' ? 'Live' : 'Reconnecting…';
    },
    onAuthFailure: status => {
      if (status === 401) { token.clear(); showLogin('Your session ended (the token expired or was revoked). Sign in again.'); }
      else { liveState.dataset.state = 'denied'; liveState.textContent = 'No live updates (role may not read events)'; }
    },
    onEvent: handleEvent,
  });
}

function handleEvent(type, data) {
  if (type === 'snapshot') {
    store.progress.clear();
    data.progress.forEach(p => store.progress.set(p.historyId, p));
    const ids = new Set(data.sources.map(s => s.id));
    [...store.sources.keys()].filter(id => !ids.has(id)).forEach(id => store.sources.delete(id));
    const unknown = data.sources.some(s => !store.sources.has(s.id) || !store.sources.get(s.id).database);
    data.sources.forEach(mergeSource);
    // After a restart or a long absence: fetch what events do not carry (descriptions, configs, history).
    if (unknown) loadSources().then(() => redraw(currentSourceId())).catch(() => {});
    if (main.querySelector('#overview')) { updateOverview(main); loadMetrics(); }
    if (currentSourceId() !== null) reloadRuns(currentSourceId());
    data.sources.forEach(s => refreshStatus(s.id));
    return;
  }
  if (type === 'source') {
    const before = store.sources.get(data.id);
    const known = before && before.database;
    mergeSource(data);
    if (!known) {
      api(`/api/data-sources/${data.id}`).then(s => { mergeSource(s); redraw(s.id); }).catch(() => {});
      api(`/api/data-sources/${data.id}/sync-config`).then(c => { store.configs.set(data.id, c); redraw(data.id); }).catch(() => {});
    } else if (before.updatedAt !== data.updatedAt) {
      api(`/api/data-sources/${data.id}/sync-config`).then(c => { store.configs.set(data.id, c); redraw(data.id); }).catch(() => {});
    }
    if (before && before.job && data.job && before.job.id === data.job.id && before.job.status !== data.job.status
        && !['queued', 'running'].includes(data.job.status)) {
      announce(`Sync of ${data.name} ${data.job.status}.`);
    }
    redraw(data.id);
    refreshStatus(data.id);
    if (main.querySelector('#overview')) loadMetrics();
    return;
  }
  if (type === 'source-deleted') {
    store.sources.delete(data.id);
    redraw(data.id);
    return;
  }
  if (type === 'progress') {
    // A collection that just started shows up in the history table as in progress.
    if (!store.progress.has(data.historyId)) reloadRuns(data.dataSourceId);
    store.progress.set(data.historyId, data);
    const total = [...store.progress.values()].filter(p => p.jobId === data.jobId).reduce((n, p) => n + p.processed, 0);
    recordRate(data.jobId, total);
    redraw(data.dataSourceId);
    return;
  }
  if (type === 'history') {
    reloadRuns(data.dataSourceId);
    return;
  }
  if (type === 'job') {
    const source = store.sources.get(data.dataSourceId);
    if (source && data.status !== 'skipped' && (!source.job || source.job.id <= data.id)) {
      mergeSource({ id: source.id, job: data });
      redraw(source.id);
    }
  }
}

function announce(text) {
  announcer.textContent = text;
}

// ---- actions ----------------------------------------------------------------------------------------------------

document.addEventListener('click', async event => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const id = Number(button.dataset.id);
  const scope = button.closest('[data-action-scope]') || main;
  const errorSlot = scope.querySelector('.action-error');
  if (errorSlot) errorSlot.textContent = '';
  button.disabled = true;
  try {
    if (button.dataset.action === 'sync') {
      const select = scope.querySelector('[data-sync-type]');
      const syncType = select ? select.value : 'full';
      const r = await api(`/api/data-sources/${id}/sync`, { method: 'POST', body: { syncType } });
      announce(`${r.syncType} sync queued as job ${r.jobId}.`);
    } else if (button.dataset.action === 'cancel') {
      announce((await api(`/api/data-sources/${id}/sync/cancel`, { method: 'POST' })).message);
    } else if (button.dataset.action === 'test-connection') {
      const result = scope.querySelector('.test-result');
      result.className = 'test-result';
      result.textContent = 'Connecting to MongoDB…';
      try {
        const r = await api(`/api/data-sources/${id}/test-connection`, { method: 'POST' });
        result.className = 'test-result ok';
        result.textContent = `Connected: MongoDB ${r.serverVersion}, database ${r.database}, `
          + `${r.collections.length} collection${r.collections.length === 1 ? '' : 's'}`
          + (r.collections.length ? ` (${r.collections.slice(0, 10).join(', ')}${r.collections.length > 10 ? ', …' : ''})` : '');
      } catch (e) {
        result.className = 'test-result error';
        result.textContent = `Connection failed: ${e.message}`;
        return;
      }
    } else if (button.dataset.action === 'delete') {
      const source = store.sources.get(id);
      if (!confirm(`Delete data source ${source ? source.name : id}? Its imported tables stay in PostgreSQL.`)) return;
      await api(`/api/data-sources/${id}`, { method: 'DELETE' });
      store.sources.delete(id);
      location.hash = '#/';
    }
  } catch (e) {
    if (errorSlot) errorSlot.textContent = e instanceof ApiError && e.status === 409
      ? `${e.message}. Wait for it to finish or cancel it.` : e.message;
  } finally {
    button.disabled = false;
  }
});

// ---- housekeeping -----------------------------------------------------------------------------------------------

// A page left for another keeps no stream open (browsers allow six connections per host, and a page kept in
// the back-forward cache would hold one); coming back reconnects and resumes.
window.addEventListener('pagehide', () => { if (live) { live.stop(); live = null; } });
window.addEventListener('pageshow', event => { if (event.persisted && store.user) startLive(); });

setInterval(() => refreshTimes(main), 30000);
// A change stream's lag moves without any sync event: sources that stream have their status re-read.
setInterval(() => {
  if (!store.user) return;
  for (const [id, status] of store.statuses) if (status && status.stream) refreshStatus(id);
}, 5000);
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => retheme());

start();
