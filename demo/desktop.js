// The demo desktop's side of the cardfile host bridge (protocol v1, docs/host-bridge.md).
const frame = document.getElementById('cardfile');
const log = document.getElementById('host-log');
const status = document.getElementById('bridge-status');
const origin = window.location.origin;

// The widget accepts this page as its host because the proxy lists its origin (or because it
// is the widget's own origin, as here).
frame.src = `/widget/?hostOrigin=${encodeURIComponent(origin)}`;

function send(message) {
  // Always the widget's exact origin, never '*'.
  frame.contentWindow.postMessage({ cardfile: 1, ...message }, origin);
}

function describe(message) {
  const name = message.contact?.display_name ?? '';
  switch (message.type) {
    case 'ready':
      return `ready (sources: ${message.sources.join(', ')})`;
    case 'select':
      return `select ${name}`;
    case 'dial':
      return `dial ${message.number} (${name})`;
    case 'message':
      return `message via ${message.channel} to ${message.address} (${name})`;
    default:
      return null;
  }
}

window.addEventListener('message', (event) => {
  if (event.origin !== origin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.cardfile !== 1) return;
  if (message.type === 'ready') status.textContent = 'Widget: connected';
  const text = describe(message);
  if (!text) return;
  const item = document.createElement('li');
  item.dataset.type = message.type;
  item.textContent = text;
  log.prepend(item);
});

document.getElementById('call-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const phone = document.getElementById('caller').value.trim();
  if (phone) send({ type: 'screenPop', phone });
});

document.getElementById('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  send({ type: 'search', query: document.getElementById('host-query').value });
});

document.getElementById('theme-light').addEventListener('click', () => send({ type: 'theme', mode: 'light' }));
document.getElementById('theme-dark').addEventListener('click', () => send({ type: 'theme', mode: 'dark' }));

// Sample callers: a few numbers from the 8x8 demo source, written in another format than the
// provider stores them, to show that matching ignores formatting.
async function sampleCallers() {
  const config = await (await fetch('/widget/cardfile.json')).json();
  const source = config.sources.find((s) => s.kind === '8x8');
  if (!source) return;
  const url = `/proxy/${source.id}/api/v1/accounts/${source.options.account_id}/contacts?limit=3&offset=7`;
  const page = await (await fetch(url)).json();
  const box = document.getElementById('sample-calls');
  for (const contact of page.items ?? []) {
    const msisdn = contact.addresses?.msisdn;
    if (!msisdn) continue;
    const digits = msisdn.replace(/\D/g, '');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `Call from 00 ${digits.slice(0, 3)} ${digits.slice(3)}`;
    button.addEventListener('click', () => {
      document.getElementById('caller').value = `00${digits}`;
      send({ type: 'screenPop', phone: `00${digits}` });
    });
    box.append(button);
  }
}
sampleCallers().catch(() => {});
