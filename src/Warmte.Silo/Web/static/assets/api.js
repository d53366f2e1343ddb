// The JSON API, called with the token the user signed in with. The token lives in this tab's
// sessionStorage only: closing the tab signs out, and no cookie means no cross-site requests
// can act with it (docs/web.md).
const TOKEN_KEY = 'warmte.token';

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A refusal from the API: the HTTP status and the problem document (code, Dutch title and detail, field errors). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `De dienst antwoordde met status ${status}.`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || '';
    this.errors = this.problem.errors || {};
  }
}

/** Calls the API with an explicit token (used by the sign-in page to check a token). */
export async function call(path, { method = 'GET', body, token = storedToken() } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { title: 'Geen verbinding', detail: 'De dienst is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text }; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Calls the API as the signed-in user; without a (valid) token it goes back to the sign-in page. */
export async function api(path, options = {}) {
  if (!storedToken()) {
    toSignIn();
    throw new ApiError(401, { title: 'Niet aangemeld', detail: 'Meld u eerst aan met uw token.' });
  }
  try {
    return await call(path, options);
  } catch (error) {
    if (error.status === 401) {
      signOut();
      toSignIn('verlopen');
    }
    throw error;
  }
}

/** Fetches a file (e.g. a spreadsheet export) with the token and hands it to the browser as a download. */
export async function download(path, fileName) {
  const token = storedToken();
  const response = await fetch(path, { headers: { Authorization: 'Bearer ' + token } });
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, problem);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function toSignIn(reason) {
  const back = location.pathname + location.search;
  const query = new URLSearchParams({ terug: back });
  if (reason) query.set('reden', reason);
  location.assign('/?' + query.toString());
}
