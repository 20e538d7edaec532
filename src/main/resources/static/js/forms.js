// Forms: registering a data source and editing its sync configuration. The API validates; its messages are shown
// under the field they name (and, for fields the form does not have, above the buttons).

import { api, ApiError } from './api.js';
import { esc, describeCron } from './format.js';

/** Shows an ApiError's details next to the inputs named like its fields; returns true when it showed any. */
export function showFieldErrors(form, error) {
  clearFieldErrors(form);
  const summary = form.querySelector('.form-error');
  const unplaced = [];
  for (const d of error.details || []) {
    const input = form.querySelector(`[name="${CSS.escape(d.field)}"]`);
    const slot = input && form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (slot) {
      slot.textContent = `${labelOf(form, input)} ${d.message}`;
      input.setAttribute('aria-invalid', 'true');
    } else {
      unplaced.push(`${d.field}: ${d.message}`);
    }
  }
  summary.textContent = [error.details && error.details.length ? '' : error.message, ...unplaced]
    .filter(Boolean).join('\n');
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  return true;
}

export function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  const summary = form.querySelector('.form-error');
  if (summary) summary.textContent = '';
}

function labelOf(form, input) {
  const label = form.querySelector(`label[for="${CSS.escape(input.id)}"]`);
  return label ? label.dataset.name || label.textContent.trim() : input.name;
}

function field({ id, name, label, type = 'text', value = '', hint = '', attrs = '', disabled = false }) {
  const describedBy = `${id}-error${hint ? ` ${id}-hint` : ''}`;
  if (type === 'checkbox') {
    return `<div class="field field-check">
      <input type="checkbox" id="${id}" name="${esc(name)}"${value ? ' checked' : ''}${disabled ? ' disabled' : ''}
        aria-describedby="${describedBy}" ${attrs}>
      <label for="${id}" data-name="${esc(label)}">${esc(label)}</label>
      ${hint ? `<p class="hint" id="${id}-hint">${hint}</p>` : ''}
      <p class="field-error error" id="${id}-error"></p></div>`;
  }
  return `<div class="field">
    <label for="${id}" data-name="${esc(label)}">${esc(label)}</label>
    <input type="${type}" id="${id}" name="${esc(name)}" value="${esc(value ?? '')}"${disabled ? ' disabled' : ''}
      aria-describedby="${describedBy}" ${attrs}>
    ${hint ? `<p class="hint" id="${id}-hint">${hint}</p>` : ''}
    <p class="field-error error" id="${id}-error" aria-live="polite"></p></div>`;
}

const SCHEDULE_HINT = 'Cron: five fields (<code>0 */6 * * *</code> = every 6 hours) or Quartz six/seven fields. Empty: no schedule.';

/** The registration form; calls onCreated(source) after a 201. */
export function renderSourceForm(main, onCreated) {
  main.innerHTML = `<section aria-labelledby="new-source-title" class="panel narrow">
    <p><a href="#/">← All data sources</a></p>
    <h2 id="new-source-title">Register a data source</h2>
    <form id="source-form" novalidate>
      ${field({ id: 'src-name', name: 'name', label: 'Name', attrs: 'required maxlength="100" autocomplete="off"' })}
      ${field({ id: 'src-description', name: 'description', label: 'Description' })}
      ${field({ id: 'src-connection', name: 'connectionString', label: 'Connection string',
        hint: 'mongodb://user:password@host:27017/database — stored encrypted and always shown redacted',
        attrs: 'required autocomplete="off" spellcheck="false"' })}
      ${field({ id: 'src-database', name: 'database', label: 'Database', hint: 'Optional when the connection string names it',
        attrs: 'autocomplete="off" spellcheck="false"' })}
      ${field({ id: 'src-schedule', name: 'syncConfig.schedule', label: 'Schedule', hint: SCHEDULE_HINT,
        attrs: 'spellcheck="false" data-cron-preview="src-schedule-words"' })}
      <p class="hint cron-words" id="src-schedule-words" aria-live="polite"></p>
      ${field({ id: 'src-zone', name: 'syncConfig.scheduleTimeZone', label: 'Time zone of the schedule',
        value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' })}
      ${field({ id: 'src-batch', name: 'syncConfig.batchSize', label: 'Batch size', type: 'number',
        hint: 'Documents per batch, 100–10,000; empty for the service default', attrs: 'min="100" max="10000" step="1"' })}
      ${field({ id: 'src-incremental', name: 'syncConfig.incremental', label: 'Scheduled runs are incremental', type: 'checkbox' })}
      ${field({ id: 'src-initial', name: 'syncConfig.initialSync', label: 'Import right after registration', type: 'checkbox', value: true })}
      <p class="form-error error" role="alert"></p>
      <div class="actions"><button type="submit" class="primary">Register</button> <a href="#/">Cancel</a></div>
    </form></section>`;
  const form = main.querySelector('#source-form');
  wireCronPreview(form);
  form.querySelector('input').focus();
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearFieldErrors(form);
    const v = name => form.querySelector(`[name="${name}"]`);
    const text = name => v(name).value.trim();
    const syncConfig = { incremental: v('syncConfig.incremental').checked, initialSync: v('syncConfig.initialSync').checked };
    if (text('syncConfig.schedule')) {
      syncConfig.schedule = text('syncConfig.schedule');
      syncConfig.scheduleTimeZone = text('syncConfig.scheduleTimeZone') || 'UTC';
    }
    if (text('syncConfig.batchSize')) syncConfig.batchSize = numberOrText(text('syncConfig.batchSize'));
    const body = { name: text('name'), connectionString: text('connectionString'), syncConfig };
    if (text('description')) body.description = text('description');
    if (text('database')) body.database = text('database');
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      onCreated(await api('/api/data-sources', { method: 'POST', body }));
    } catch (e) {
      if (e instanceof ApiError) showFieldErrors(form, e); else throw e;
    } finally {
      button.disabled = false;
    }
  });
}

function numberOrText(s) {
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

function listOrEmpty(s) {
  return s.split(',').map(x => x.trim()).filter(Boolean);
}

export function wireCronPreview(form) {
  form.querySelectorAll('[data-cron-preview]').forEach(input => {
    const out = form.querySelector(`#${input.dataset.cronPreview}`);
    const show = () => { out.textContent = input.value.trim() ? `Runs ${describeCron(input.value.trim())}` : ''; };
    input.addEventListener('input', show);
    show();
  });
}

/** The sync-config form of a source; read-only unless the role may edit it. */
export function syncConfigForm(sourceId, answer, editable) {
  const c = (answer && answer.syncConfig) || {};
  const e = (answer && answer.effective) || {};
  const collections = c.collections || {};
  const d = !editable;
  return `<form id="config-form" data-source-id="${sourceId}" novalidate>
    ${editable ? '' : '<p class="hint">Your role may read this configuration; an administrator can change it.</p>'}
    <div class="form-grid">
      ${field({ id: 'cfg-schedule', name: 'schedule', label: 'Schedule', value: c.schedule, hint: SCHEDULE_HINT, disabled: d,
        attrs: 'spellcheck="false" data-cron-preview="cfg-schedule-words"' })}
      <p class="hint cron-words" id="cfg-schedule-words" aria-live="polite"></p>
      ${field({ id: 'cfg-zone', name: 'scheduleTimeZone', label: 'Time zone', value: c.scheduleTimeZone || e.scheduleTimeZone, disabled: d })}
      ${field({ id: 'cfg-batch', name: 'batchSize', label: 'Batch size', type: 'number', value: c.batchSize,
        hint: `In effect: ${esc(e.batchSize)}`, attrs: 'min="100" max="10000"', disabled: d })}
      ${field({ id: 'cfg-parallelism', name: 'parallelism', label: 'Parallel collections', type: 'number', value: c.parallelism,
        hint: `In effect: ${esc(e.parallelism)}`, attrs: 'min="1" max="16"', disabled: d })}
      ${field({ id: 'cfg-sample', name: 'sampleSize', label: 'Sample size', type: 'number', value: c.sampleSize,
        hint: `In effect: ${esc(e.sampleSize)}`, disabled: d })}
      ${field({ id: 'cfg-field', name: 'lastSyncField', label: 'Watermark field', value: c.lastSyncField,
        hint: `In effect: ${esc(e.lastSyncField)}`, disabled: d })}
      ${field({ id: 'cfg-full-every', name: 'fullSyncEvery', label: 'Full sync every Nth run', type: 'number',
        value: c.fullSyncEvery, disabled: d })}
      ${field({ id: 'cfg-include', name: 'collections.include', label: 'Only these collections',
        value: (collections.include || []).join(', '), hint: 'Comma-separated; empty = all', disabled: d })}
      ${field({ id: 'cfg-exclude', name: 'collections.exclude', label: 'Except these collections',
        value: (collections.exclude || []).join(', '), hint: 'Comma-separated', disabled: d })}
      ${field({ id: 'cfg-incremental', name: 'incremental', label: 'Scheduled runs are incremental', type: 'checkbox',
        value: c.incremental, disabled: d })}
      ${field({ id: 'cfg-initial', name: 'initialSync', label: 'Import right after registration', type: 'checkbox',
        value: c.initialSync !== false, disabled: d })}
    </div>
    <p class="form-error error" role="alert"></p>
    <p class="form-ok ok" role="status"></p>
    ${editable ? '<div class="actions"><button type="submit" class="primary">Save configuration</button></div>' : ''}
  </form>`;
}

/** Sends the form as the whole new config (PUT replaces it), keeping keys the form does not show. */
export function wireSyncConfigForm(form, answer, onSaved) {
  wireCronPreview(form);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearFieldErrors(form);
    form.querySelector('.form-ok').textContent = '';
    const v = name => form.querySelector(`[name="${name}"]`);
    const text = name => v(name).value.trim();
    const config = { ...((answer && answer.syncConfig) || {}) };
    const set = (key, value) => { if (value === '' || value === null || value === undefined) delete config[key]; else config[key] = value; };
    set('schedule', text('schedule'));
    set('scheduleTimeZone', text('schedule') ? text('scheduleTimeZone') : '');
    ['batchSize', 'parallelism', 'sampleSize', 'fullSyncEvery'].forEach(k => set(k, text(k) === '' ? '' : numberOrText(text(k))));
    set('lastSyncField', text('lastSyncField'));
    config.incremental = v('incremental').checked;
    config.initialSync = v('initialSync').checked;
    config.collections = { include: listOrEmpty(text('collections.include')), exclude: listOrEmpty(text('collections.exclude')) };
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const saved = await api(`/api/data-sources/${form.dataset.sourceId}/sync-config`, { method: 'PUT', body: config });
      form.querySelector('.form-ok').textContent = 'Configuration saved.';
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError) showFieldErrors(form, e); else throw e;
    } finally {
      button.disabled = false;
    }
  });
}
