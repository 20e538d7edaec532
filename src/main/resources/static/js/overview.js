// Overview: the cluster's figures and one card per data source.

import { esc, num, timeTag, describeCron, atZone } from './format.js';
import { store, can, progressOf } from './store.js';
import { setHtml, statusBadges, progressRow, syncControls } from './widgets.js';

export function renderOverview(main) {
  if (!main.querySelector('#overview')) {
    main.innerHTML = `<section id="overview" aria-labelledby="overview-title">
      <div class="section-head">
        <h2 id="overview-title">Data sources</h2>
        ${can('manageSources') ? '<a class="button primary" href="#/sources/new" id="register-source">Register a data source</a>' : ''}
      </div>
      <div id="figures" class="figures" aria-label="Figures of the last 24 hours"></div>
      <div id="cards" class="cards"></div>
    </section>`;
  }
  updateOverview(main);
}

export function updateOverview(main) {
  const cards = main.querySelector('#cards');
  if (!cards) return;
  const sources = [...store.sources.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (!sources.length) {
    setHtml(cards, `<p class="empty">No data source is registered yet.${can('manageSources')
      ? ' <a href="#/sources/new">Register one</a> to import its collections.' : ''}</p>`);
    return;
  }
  if (cards.querySelector('.empty')) setHtml(cards, '');
  const seen = new Set();
  for (const source of sources) {
    seen.add(String(source.id));
    let card = cards.querySelector(`article[data-source-id="${source.id}"]`);
    if (!card) {
      card = document.createElement('article');
      card.className = 'card';
      card.dataset.sourceId = source.id;
      card.dataset.actionScope = '';
      card.setAttribute('aria-labelledby', `card-${source.id}-title`);
      card.innerHTML = `<header class="card-head">
          <h3 id="card-${source.id}-title"><a href="#/sources/${source.id}"></a></h3>
          <span class="card-status"></span></header>
        <dl class="facts card-facts"></dl>
        <div class="card-progress"></div>
        <p class="card-error error"></p>
        <div class="actions card-actions"></div>
        <p class="action-error error" role="alert"></p>`;
      cards.appendChild(card);
    }
    card.querySelector('h3 a').textContent = source.name;
    setHtml(card.querySelector('.card-status'), statusBadges(source));
    setHtml(card.querySelector('.card-facts'), facts(source));
    setHtml(card.querySelector('.card-progress'), progressOf(source).map(progressRow).join(''));
    const failed = source.syncStatus === 'failed' && source.syncErrorMessage;
    setHtml(card.querySelector('.card-error'), failed ? esc(source.syncErrorMessage) : '');
    setHtml(card.querySelector('.card-actions'), syncControls(source));
  }
  // Sorted order, and cards of deleted sources go.
  cards.querySelectorAll('article[data-source-id]').forEach(card => {
    if (!seen.has(card.dataset.sourceId)) card.remove();
  });
  sources.forEach(s => cards.appendChild(cards.querySelector(`article[data-source-id="${s.id}"]`)));
}

function facts(source) {
  const config = store.configs.get(source.id);
  const effective = config ? config.effective : null;
  let next = '—';
  if (effective && effective.schedule) {
    next = effective.nextRunAt ? esc(atZone(effective.nextRunAt, effective.scheduleTimeZone)) : esc(describeCron(effective.schedule));
  } else if (effective) {
    next = 'not scheduled';
  }
  const stream = (store.statuses.get(source.id) || {}).stream;
  return `<div><dt>Last sync</dt><dd>${timeTag(source.lastSyncAt)}</dd></div>
    <div><dt>Rows imported</dt><dd>${num(source.totalRecordsSynced)}</dd></div>
    <div><dt>Next run</dt><dd>${next}</dd></div>
    ${stream ? `<div><dt>Stream lag</dt><dd>${stream.lagMs === null || stream.lagMs === undefined ? '—'
      : num(Math.round(stream.lagMs)) + ' ms'}</dd></div>` : ''}`;
}

export function renderFigures(main, metrics) {
  const el = main.querySelector('#figures');
  if (!el || !metrics) return;
  const d = metrics.last24h || {};
  const items = [['data sources', metrics.dataSources && metrics.dataSources.total],
    ['jobs queued', metrics.jobs && metrics.jobs.queued], ['jobs running', metrics.jobs && metrics.jobs.running],
    ['rows synced (24 h)', d.recordsSynced], ['rows rejected (24 h)', d.recordsFailed],
    ['collection runs failed (24 h)', d.collectionsFailed]];
  setHtml(el, items.map(([k, v]) => `<div class="figure"><b>${esc(num(v))}</b><span>${esc(k)}</span></div>`).join(''));
}
