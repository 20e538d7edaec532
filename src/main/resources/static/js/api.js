// REST calls of the dashboard: the bearer token (kept in sessionStorage), JSON in and out, and errors with the
// API's {error, message, details} shape turned into ApiError so views can show them next to what caused them.

const TOKEN_KEY = 'mongo-pg-sync.token';

export class ApiError extends Error {
  constructor(status, body, fallback) {
    super((body && body.message) || fallback || `The service answered HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.details = (body && Array.isArray(body.details)) ? body.details : [];
  }
}

let unauthorizedHandler = () => {};

/** Called when any call answers 401: the token is gone or was revoked. */
export function onUnauthorized(handler) { unauthorizedHandler = handler; }

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: value => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export function authHeaders() {
  const t = token.get();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

/** One REST call; resolves to the parsed JSON body (null for 204), rejects with ApiError. */
export async function api(path, { method = 'GET', body, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, null, 'The dashboard cannot reach the mongo-pg-sync service (network error or the service '
      + 'is restarting); it retries by itself');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = null; }
  }
  if (response.status === 401 && !quiet401) unauthorizedHandler();
  if (!response.ok) {
    const fallback = response.status === 403
      ? 'Your role may not do this; ask an administrator for a token with more rights'
      : `The service answered HTTP ${response.status}`;
    throw new ApiError(response.status, json, fallback);
  }
  return json;
}
