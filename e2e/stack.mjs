// Starts the real stack for end-to-end tests: the simulator and the proxy (serving the
// release widget from dist/), each on a free loopback port, and headless Debian Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;

/** The simulator's demo credentials, as config/demo.toml expects them in the environment. */
export const DEMO_ENV = Object.fromEntries(
  readFileSync(`${root}config/demo.env`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
export const DEMO_8X8_KEY = DEMO_ENV.CARDFILE_8X8_KEY;
export const DEMO_8X8_ACCOUNT = '0123456789abcdef0123456789abcdef';

/** Spawns `binary` and resolves with its base URL once it prints "listening on http://…". */
async function start(binary, args, env = {}) {
  const child = spawn(`${root}target/debug/${binary}`, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${binary} did not start in 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${binary} exited with ${code}`)));
    lines.on('line', (line) => {
      const match = line.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { child, url };
}

/**
 * config/demo.toml for a test run: every test client is 127.0.0.1, so the per-client rate
 * limit is raised out of the way; `timeoutMs` shortens the upstream timeout.
 */
function testConfig({ timeoutMs, editConfig }) {
  let text = readFileSync(`${root}config/demo.toml`, 'utf8').replace(
    /^rate_limit_per_minute = \d+/m,
    'rate_limit_per_minute = 1000000',
  );
  if (timeoutMs) text = text.replace(/^timeout_ms = \d+/m, `timeout_ms = ${timeoutMs}`);
  if (editConfig) text = editConfig(text);
  const path = `${mkdtempSync(`${tmpdir()}/cardfile-e2e-`)}/proxy.toml`;
  writeFileSync(path, text);
  return path;
}

/** Simulator + proxy (config/demo.toml, `editConfig(text)` applied if given) + Chromium. */
export async function startStack({ contacts = 2000, timeoutMs, simArgs = [], editConfig } = {}) {
  const sim = await start('cardfile-sim', ['--port', '0', '--contacts', String(contacts), ...simArgs]);
  const config = testConfig({ timeoutMs, editConfig });
  const proxy = await start('cardfile-proxy', ['--config', config, '--listen', '127.0.0.1:0'], {
    ...DEMO_ENV,
    CARDFILE_SIM_URL: sim.url,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  return {
    sim: sim.url,
    proxy: proxy.url,
    browser,
    /** A new page that fails the test on any uncaught error or console error (a wasm panic). */
    async page(options = {}) {
      const page = await browser.newPage(options);
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      // Chromium logs every 4xx/5xx answer as a console error; those are expected here.
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.errors.push(m.text());
      });
      return page;
    },
    async stop() {
      await browser.close();
      for (const child of [proxy.child, sim.child]) {
        child.kill('SIGINT');
        if (child.exitCode === null) await once(child, 'exit');
      }
    },
  };
}

/** Asks the simulator directly (not through cardfile) for 8x8 contacts matching `query`. */
export async function simContacts(sim, query = '', limit = 50) {
  const url = `${sim}/8x8/api/v1/accounts/${DEMO_8X8_ACCOUNT}/contacts?limit=${limit}&query=${encodeURIComponent(query)}`;
  const reply = await fetch(url, { headers: { authorization: `Bearer ${DEMO_8X8_KEY}` } });
  if (!reply.ok) throw new Error(`simulator answered ${reply.status}`);
  return reply.json();
}

export async function simRequests(sim) {
  return (await fetch(`${sim}/_sim/requests`)).json();
}

/** Arms a simulator fault (`{provider, fault, status?, ms?, retry_after?, count?}`). */
export async function armFault(sim, spec) {
  const reply = await fetch(`${sim}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  if (!reply.ok) throw new Error(`arming ${JSON.stringify(spec)}: ${reply.status} ${await reply.text()}`);
}

export async function clearFaults(sim) {
  await fetch(`${sim}/_sim/faults`, { method: 'DELETE' });
}

/** A provider's raw answer, fetched through the proxy (which adds the credentials). */
export async function raw(proxy, source, path) {
  const reply = await fetch(`${proxy}/proxy/${source}${path}`);
  if (!reply.ok) throw new Error(`${source} ${path}: ${reply.status}`);
  return reply.json();
}

/** People as each provider stores them: `{name, phone}` read from its raw answers. */
export async function storedPeople(proxy, source) {
  const pick = (list, name, phone) =>
    list.map((c) => ({ name: name(c), phone: phone(c) })).filter((p) => p.name && p.phone);
  switch (source) {
    case 'talkdesk': {
      const page = await raw(proxy, source, '/fsi/contacts?page=1&per_page=50');
      return pick(
        page._embedded.contacts.map((e) => e.contact),
        (c) => c.name,
        (c) => c.contacts?.find((p) => p.type === 'PHONE')?.value,
      );
    }
    case 'symphony': {
      const page = await raw(proxy, source, '/api/v2/customer/contacts?externalNetwork=WHATSAPP');
      return pick(page.contacts, (c) => [c.firstName, c.lastName].filter(Boolean).join(' '), (c) => c.phoneNumber);
    }
    case 'gws': {
      const page = await raw(proxy, source, '/api/v2/contacts?type=Custom&limit=50');
      return pick(
        page.contacts,
        (c) => [c.firstName, c.lastName].filter(Boolean).join(' '),
        (c) => c.phoneNumber ?? c.phoneNumbers?.[0]?.phoneNumber,
      );
    }
    case '8x8': {
      const page = await raw(proxy, source, `/api/v1/accounts/${DEMO_8X8_ACCOUNT}/contacts?limit=50`);
      return pick(page.items, (c) => [c.firstName, c.lastName].filter(Boolean).join(' '), (c) => c.addresses?.msisdn);
    }
    case 'smartflo': {
      const page = await raw(proxy, source, '/v1/contacts?limit=50&page=1');
      // Smartflo lists deleted contacts too (with `deleted_at`); the widget never shows them.
      return pick(page.results.filter((c) => !c.deleted_at), (c) => c.name, (c) => c.phone_number);
    }
    default:
      throw new Error(`unknown source ${source}`);
  }
}

/** The same number written another way than `stored`: a different prefix and grouping. */
export function otherFormat(stored) {
  const digits = stored.replace(/\D/g, '');
  const spaced = (d) => d.replace(/(\d{3})(?=\d)/g, '$1 ');
  if (stored.trim().startsWith('+')) return `00${digits}`;
  if (digits.startsWith('00')) return `+${spaced(digits.slice(2))}`;
  if (digits.startsWith('0')) return spaced(digits.slice(1));
  return `+${spaced(digits)}`;
}

/**
 * `startStack` with the simulator's `--adversarial` data: hostile strings (markup, script
 * calling `__cardfile_canary()`, bidi, control characters…) in every free-text field.
 */
export async function startAdversarialStack({ contacts = 400 } = {}) {
  const previous = process.env.CARDFILE_SIM_ADVERSARIAL;
  // The simulator reads the flag from its environment; set only while it is spawned.
  process.env.CARDFILE_SIM_ADVERSARIAL = 'true';
  try {
    return await startStack({ contacts });
  } finally {
    if (previous === undefined) delete process.env.CARDFILE_SIM_ADVERSARIAL;
    else process.env.CARDFILE_SIM_ADVERSARIAL = previous;
  }
}
