// Formatting shared by the views: escaping, numbers, times ("12 minutes ago"), durations and schedules in words.

export const esc = s => String(s ?? '').replace(/[&<>"']/g,
  c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

export const num = n => (n === null || n === undefined || Number.isNaN(Number(n))) ? '—' : Number(n).toLocaleString();

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600],
  ['minute', 60], ['second', 1]];

/** "12 minutes ago" / "in 3 hours". */
export function ago(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = (new Date(iso).getTime() - now) / 1000;
  if (Math.abs(seconds) < 45) return seconds <= 0 ? 'just now' : 'in a few seconds';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return '';
}

export const exact = iso => iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '';

/** A <time> that shows "… ago" and the exact time on hover; refreshed by refreshTimes(). */
export const timeTag = iso => iso
  ? `<time datetime="${esc(iso)}" title="${esc(exact(iso))}" data-relative>${esc(ago(iso))}</time>` : '—';

export function refreshTimes(root = document) {
  root.querySelectorAll('time[data-relative]').forEach(t => { t.textContent = ago(t.getAttribute('datetime')); });
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 10000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function eta(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}

/** The time of day in a schedule's time zone: "18:00 Europe/Berlin" (a date is added when it is not today). */
export function atZone(iso, zone) {
  if (!iso) return '';
  const tz = zone || 'UTC';
  const date = new Date(iso);
  let text;
  try {
    const sameDay = new Intl.DateTimeFormat('en-CA', { timeZone: tz, dateStyle: 'short' }).format(date)
      === new Intl.DateTimeFormat('en-CA', { timeZone: tz, dateStyle: 'short' }).format(new Date());
    text = new Intl.DateTimeFormat(undefined, sameDay
      ? { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(date);
  } catch (e) {
    text = date.toISOString();
  }
  return `${text} ${tz}`;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_NAMES = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

const pad = n => String(n).padStart(2, '0');
const isNum = s => /^\d+$/.test(s);
const any = s => s === '*' || s === '?';

function dayName(field, quartz) {
  const upper = field.toUpperCase();
  if (upper in DAY_NAMES) return DAYS[DAY_NAMES[upper]];
  if (!isNum(field)) return null;
  // Quartz counts days 1 (Sunday) to 7, Unix cron 0 (Sunday) to 6 (7 is Sunday too).
  const n = quartz ? Number(field) - 1 : Number(field) % 7;
  return DAYS[n] ?? null;
}

/**
 * A cron expression in words, for the usual shapes: "every 6 hours", "every day at 02:30", "every Monday at 08:00",
 * "on day 1 of every month at 00:00". Other shapes are shown as they are, prefixed with "cron".
 */
export function describeCron(expression) {
  if (!expression) return 'no schedule (syncs run only when started)';
  const parts = expression.trim().split(/\s+/);
  const quartz = parts.length >= 6;
  if (parts.length < 5 || parts.length > 7) return `cron ${expression}`;
  const [sec, min, hour, dom, month, dow] = quartz ? parts : ['0', ...parts];
  // A plain number out of range is a mistake: show the expression as it is (the API says what is wrong).
  const outOfRange = (f, lo, hi) => isNum(f) && (Number(f) < lo || Number(f) > hi);
  if (outOfRange(sec, 0, 59) || outOfRange(min, 0, 59) || outOfRange(hour, 0, 23) || outOfRange(dom, 1, 31)
      || outOfRange(month, 1, 12)) return `cron ${expression}`;
  const everyMonth = any(month);
  const time = isNum(hour) && isNum(min) ? `${pad(hour)}:${pad(min)}` : null;
  if (sec !== '0' && !(quartz && isNum(sec))) return `cron ${expression}`;
  if (everyMonth && any(dom) && any(dow)) {
    let m;
    if (min === '*' && hour === '*') return 'every minute';
    if ((m = /^(?:\*|0)\/(\d+)$/.exec(min)) && hour === '*') return `every ${m[1]} minutes`;
    if (isNum(min) && hour === '*') return min === '0' ? 'every hour, on the hour' : `every hour at minute ${Number(min)}`;
    if (isNum(min) && (m = /^(?:\*|0)\/(\d+)$/.exec(hour))) {
      return `every ${m[1]} hours${min === '0' ? '' : ` at minute ${Number(min)}`}`;
    }
    if (time) return `every day at ${time}`;
  }
  if (time && everyMonth && any(dom) && !any(dow)) {
    if (/^(1-5|MON-FRI)$/i.test(dow) || (quartz && dow === '2-6')) return `every weekday at ${time}`;
    const names = dow.split(',').map(d => dayName(d, quartz));
    if (names.every(Boolean)) return `every ${names.join(', ')} at ${time}`;
  }
  if (time && everyMonth && isNum(dom) && any(dow)) return `on day ${Number(dom)} of every month at ${time}`;
  if (time && isNum(month) && isNum(dom) && any(dow)) return `every year on ${MONTHS[Number(month) - 1]} ${Number(dom)} at ${time}`;
  return `cron ${expression}`;
}

/**
 * The status badge of a data source: what a person wants to know first. A running or queued job wins, then a
 * stream, then the outcome of the last run.
 */
export function sourceState(source, extra = {}) {
  const job = source.job;
  if (job && job.status === 'running') return { key: 'running', label: job.cancelRequested ? 'cancelling' : 'running' };
  if (job && job.status === 'queued') return { key: 'queued', label: 'queued' };
  const stream = extra.stream;
  if (stream && stream.state && /^(streaming|running|live)$/i.test(stream.state)) return { key: 'streaming', label: 'streaming' };
  if ((job && job.status === 'cancelled') || source.syncStatus === 'cancelled') return { key: 'cancelled', label: 'cancelled' };
  if (source.syncStatus === 'failed' || (job && job.status === 'failed')) return { key: 'failed', label: 'failed' };
  if (source.syncStatus === 'completed' || source.lastSyncAt) return { key: 'completed', label: 'completed' };
  if (source.syncStatus === 'in_progress') return { key: 'running', label: 'running' };
  return { key: 'never', label: 'never synced' };
}

export const badge = state => `<span class="badge badge-${esc(state.key)}" data-status="${esc(state.key)}">${esc(state.label)}</span>`;
