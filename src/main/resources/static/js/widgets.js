// Small pieces of markup shared by the overview and the source page.

import { esc, num, eta, badge, sourceState } from './format.js';
import { can, store } from './store.js';

/** Replaces an element's markup only when it changed, so focus and hover survive live updates. */
export function setHtml(el, html) {
  if (el && el.__html !== html) {
    el.innerHTML = html;
    el.__html = html;
  }
}

export function statusBadges(source) {
  const status = store.statuses.get(source.id) || {};
  let html = badge(sourceState(source, status));
  if (status.drift === true) {
    html += ' <span class="badge badge-drift" data-status="drift" title="The imported tables differ from MongoDB">drift</span>';
  }
  return html;
}

/** One collection's progress: a bar, counts, documents/s and time left. */
export function progressRow(p) {
  const percent = p.percent === null || p.percent === undefined ? null : Number(p.percent);
  const figures = [
    `${num(p.processed)}${p.total !== null && p.total !== undefined ? ' / ' + num(p.total) : ''} documents`,
    percent === null ? '' : `${percent.toLocaleString(undefined, { maximumFractionDigits: 1 })} %`,
    p.docsPerSecond ? `${num(Math.round(p.docsPerSecond))} docs/s` : '',
    p.status === 'in_progress' ? eta(p.etaSeconds) : (p.status === 'completed' ? 'done' : esc(p.status)),
  ].filter(Boolean).join(' · ');
  const bar = percent === null
    ? `<div class="bar bar-indeterminate" role="progressbar" aria-label="${esc(p.collection)}"
         aria-valuetext="${esc(num(p.processed))} documents"><span></span></div>`
    : `<div class="bar${p.status === 'failed' ? ' bar-failed' : ''}" role="progressbar" aria-label="${esc(p.collection)}"
         aria-valuemin="0" aria-valuemax="100" aria-valuenow="${percent}" data-percent="${percent}">
         <span style="width:${Math.min(100, percent)}%"></span></div>`;
  return `<div class="progress-row" data-collection="${esc(p.collection)}">
    <div class="progress-label"><span class="progress-name">${esc(p.collection)}</span>
      <span class="progress-figures">${figures}</span></div>${bar}</div>`;
}

/** Sync now (with its type), and Cancel while a job is queued or running; only what the role may use. */
export function syncControls(source) {
  const job = source.job;
  const active = job && (job.status === 'queued' || job.status === 'running');
  const config = store.configs.get(source.id);
  const incremental = config && config.effective ? config.effective.incremental : false;
  let html = '';
  if (can('sync')) {
    html += `<label class="visually-hidden" for="sync-type-${source.id}">Sync type for ${esc(source.name)}</label>
      <select id="sync-type-${source.id}" class="sync-type" data-sync-type>
        <option value="full"${incremental ? '' : ' selected'}>Full</option>
        <option value="incremental"${incremental ? ' selected' : ''}>Incremental</option>
      </select>
      <button type="button" class="primary" data-action="sync" data-id="${source.id}"
        aria-label="Sync ${esc(source.name)} now">Sync now</button>`;
  }
  if (can('cancel') && active) {
    html += ` <button type="button" data-action="cancel" data-id="${source.id}"${job.cancelRequested ? ' disabled' : ''}>
      ${job.cancelRequested ? 'Cancelling…' : 'Cancel'}</button>`;
  }
  return html;
}
