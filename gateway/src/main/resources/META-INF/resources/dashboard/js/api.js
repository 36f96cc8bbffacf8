// The gateway's REST API as the dashboard uses it: every request carries the signed-in key in the
// Authorization header (never in a URL), and every refusal becomes an ApiError with the API's code.

const KEY_ITEM = 'sensorproof.apiKey';

/** An API refusal: HTTP status, the API's stable code and message ({code, message, details}). */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export function storedKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

export function storeKey(key) {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_ITEM);
}

/** Authorization headers for the signed-in key. */
export function authHeaders(extra) {
  const key = storedKey();
  const headers = Object.assign({ Accept: 'application/json' }, extra || {});
  if (key) {
    headers.Authorization = 'Bearer ' + key;
  }
  return headers;
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (body && typeof body.code === 'string') {
    return new ApiError(response.status, body.code, body.message || '', body.details);
  }
  return new ApiError(response.status, 'HTTP_' + response.status, response.statusText || 'request failed', {});
}

/** GET a JSON document of the API; throws ApiError for any non-2xx answer. */
export async function get(path, params) {
  const url = new URL(path, window.location.origin);
  if (params) {
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null) {
        url.searchParams.set(name, String(value));
      }
    }
  }
  let response;
  try {
    response = await fetch(url, { headers: authHeaders(), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'the gateway could not be reached: ' + e.message, {});
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response.json();
}

/** GET every item of a paged list (following nextCursor), at most maxPages pages. */
export async function getAll(path, params, maxPages) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < (maxPages || 10); page++) {
    const answer = await get(path, Object.assign({}, params, cursor ? { cursor } : {}));
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) {
      break;
    }
  }
  return items;
}

/** GET a binary or JSON document and hand it to the browser as a download (the key stays in the header). */
export async function download(path, fileName) {
  const response = await fetch(new URL(path, window.location.origin), { headers: authHeaders(), cache: 'no-store' });
  if (!response.ok) {
    throw await errorOf(response);
  }
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
