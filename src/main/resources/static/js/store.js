// What the dashboard knows, merged from REST answers and live events, and who may do what.

export const store = {
  user: null,                 // GET /api/me: {subject, role, authMethod}
  sources: new Map(),         // id -> data source (REST fields merged with the live fields: syncStatus, job, ...)
  configs: new Map(),         // id -> GET /sync-config answer (effective config with nextRunAt)
  statuses: new Map(),        // id -> GET /sync-status answer (stream, drift, error in full)
  progress: new Map(),        // history id -> live progress of one collection
  rates: new Map(),           // job id -> [{t, processed}] for the documents/s chart
};

const RANK = { viewer: 1, operator: 2, admin: 3 };

/** What the signed-in role may do; mirrors io.mongopgsync.security.AccessRules, which decides. */
export function can(action) {
  const role = store.user ? store.user.role : 'viewer';
  const needed = { read: 'viewer', sync: 'operator', cancel: 'operator', preview: 'operator',
    manageSources: 'admin', editConfig: 'admin', testConnection: 'operator' }[action] || 'admin';
  return (RANK[role] || 0) >= RANK[needed];
}

/** Merges a data source from REST (camelCase view) or from a live event into the store. */
export function mergeSource(fields) {
  const current = store.sources.get(fields.id) || {};
  store.sources.set(fields.id, { ...current, ...fields });
  return store.sources.get(fields.id);
}

/** Progress rows of the source's latest job, sorted by collection. */
export function progressOf(source) {
  const jobId = source.job ? source.job.id : null;
  return [...store.progress.values()]
    .filter(p => p.dataSourceId === source.id && (jobId === null || p.jobId === jobId))
    .sort((a, b) => a.collection.localeCompare(b.collection));
}

/** Records the summed processed count of a job for its documents/s chart; keeps the last 120 points. */
export function recordRate(jobId, processed) {
  const points = store.rates.get(jobId) || [];
  points.push({ t: Date.now(), processed });
  if (points.length > 120) points.shift();
  store.rates.set(jobId, points);
}
