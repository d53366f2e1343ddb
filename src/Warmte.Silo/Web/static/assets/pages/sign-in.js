// Sign-in: checks the token against the API (/api/status), keeps it in this tab, goes on to the
// page the user came from or the start page of the token's role.
import { call, storeToken, storedToken } from '../api.js';
import { homeFor, message } from '../layout.js';

const form = document.getElementById('sign-in-form');
const input = document.getElementById('token');
const box = document.getElementById('sign-in-message');
const query = new URLSearchParams(location.search);

if (query.get('reden') === 'verlopen') box.replaceChildren(message('warning', 'Uw token werkt niet meer (ingetrokken of onbekend). Meld u opnieuw aan.'));

/** Only addresses inside the dashboard are followed after sign-in. */
function target(role) {
  const back = query.get('terug');
  return back && back.startsWith('/app') ? back : homeFor(role);
}

async function signIn(token) {
  const status = await call('/api/status', { token });
  storeToken(token);
  location.assign(target(status.caller.role));
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  const token = input.value.trim();
  input.removeAttribute('aria-invalid');
  if (!token) {
    input.setAttribute('aria-invalid', 'true');
    box.replaceChildren(message('error', 'Vul uw token in.'));
    input.focus();
    return;
  }
  try {
    await signIn(token);
  } catch (error) {
    input.setAttribute('aria-invalid', 'true');
    box.replaceChildren(message('error', error.status === 401
      ? 'Dit token is onbekend of ingetrokken. Controleer het en probeer het opnieuw.'
      : error.message));
    input.focus();
  }
});

// The button stays disabled until this script handles the form: a plain browser submit would
// otherwise send the token to the server in the address or body of a request nobody reads.
document.getElementById('sign-in-button').disabled = false;

// Already signed in in this tab: straight on.
if (storedToken() && !query.get('reden')) {
  call('/api/status').then(status => location.assign(target(status.caller.role))).catch(() => { /* the token no longer works: stay on the form */ });
}
