// The node's JSON API, seen from the explorer. Every call goes back to the node that served the page.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** GET a JSON route; throws ApiError with the node's own error message on any failure. */
export async function get(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, `the node did not answer (${e.message}); is it running?`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status, `the node answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new ApiError(response.status, body.error || `HTTP ${response.status}`);
  return body;
}

/** Path segment or query value, escaped for a URL. */
export const enc = encodeURIComponent;
