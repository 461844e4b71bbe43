// The fault matrix: each provider × each fault the simulator can inject. The faulted source
// says what failed and what to do, the other sources' results stay, transient faults are
// retried (honouring Retry-After), nothing panics, and once the fault clears, Retry works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { armFault, clearFaults, simRequests, startStack } from './stack.mjs';

// Faults hit each provider's contacts API; its token and login endpoints are spared (the
// proxy's handling of those is tested in crates/proxy/tests/auth_schemes.rs).
const PROVIDERS = [
  { id: 'talkdesk', label: 'Talkdesk', api: '/fsi/' },
  { id: 'symphony', label: 'Symphony', api: '/api/' },
  { id: 'gws', label: 'Genesys GWS', api: '/api/' },
  { id: '8x8', label: '8x8 Connect', api: '/api/' },
  { id: 'smartflo', label: 'Tata Smartflo', api: '/v1/contacts' },
];

// `advice` is what the status line must tell the agent; `retried` faults must be asked again.
const FAULTS = [
  { name: '401', spec: { fault: 'status', status: 401 }, advice: /credentials/ },
  { name: '403', spec: { fault: 'status', status: 403 }, advice: /credentials/ },
  { name: '404', spec: { fault: 'status', status: 404 }, advice: /configuration/ },
  { name: '429 with Retry-After', spec: { fault: 'status', status: 429, retry_after: 2 }, advice: /retry/, retried: true, waits: 2 },
  { name: '500', spec: { fault: 'status', status: 500 }, advice: /problem; retry shortly/, retried: true },
  { name: '502', spec: { fault: 'status', status: 502 }, advice: /problem; retry shortly/, retried: true },
  { name: '503', spec: { fault: 'status', status: 503, retry_after: 1 }, advice: /retry/, retried: true },
  { name: 'timeout', spec: { fault: 'hang', ms: 60_000 }, advice: /retry shortly/, retried: true },
  { name: 'slow (3 s)', spec: { fault: 'latency', ms: 3000, count: 1 }, succeeds: true },
  { name: 'malformed JSON', spec: { fault: 'malformed_json' }, advice: /unreadable answer; retry/, retried: true },
  { name: 'HTML body', spec: { fault: 'html' }, advice: /retry/, retried: true },
  { name: 'truncated body', spec: { fault: 'truncated' }, advice: /unreadable answer; retry/, retried: true },
];

let stack;
before(async () => {
  // A short upstream timeout keeps the hang cases quick; 3 s of latency still fits in it.
  stack = await startStack({ contacts: 1000, timeoutMs: 4000 });
});
after(async () => {
  await stack?.stop();
});

const status = (page, id) => page.locator(`.source[data-source="${id}"]`);

for (const provider of PROVIDERS) {
  describe(`${provider.label} faults`, () => {
    for (const fault of FAULTS) {
      test(`${provider.label}: ${fault.name}`, { timeout: 90_000 }, async () => {
        await clearFaults(stack.sim);
        await armFault(stack.sim, { provider: provider.id, path: provider.api, ...fault.spec });
        const before = (await simRequests(stack.sim))[provider.id] ?? 0;
        const page = await stack.page();
        await page.goto(`${stack.proxy}/widget/?q=a`);
        const line = status(page, provider.id);

        if (fault.waits) {
          await line.filter({ hasText: `retrying in ${fault.waits} s` }).waitFor({ timeout: 30_000 });
        }
        if (fault.succeeds) {
          await page.locator(`.source.ok[data-source="${provider.id}"]`).waitFor({ timeout: 30_000 });
        } else {
          await page.locator(`.source.error[data-source="${provider.id}"]`).waitFor({ timeout: 60_000 });
          const text = await line.textContent();
          assert.ok(text.includes(provider.label), `names the source: ${text}`);
          assert.match(text, fault.advice);
          assert.equal(await line.getByRole('button', { name: 'Retry' }).count(), 1);
        }
        for (const other of PROVIDERS.filter((p) => p.id !== provider.id)) {
          await page.locator(`.source.ok[data-source="${other.id}"]`).waitFor({ timeout: 30_000 });
        }
        assert.ok((await page.locator('.results .card').count()) > 0, "the other sources' cards stay");
        if (fault.retried) {
          const asked = ((await simRequests(stack.sim))[provider.id] ?? 0) - before;
          assert.ok(asked >= 3, `a transient fault is retried (asked ${asked} times)`);
        }

        await clearFaults(stack.sim);
        if (!fault.succeeds) {
          await line.getByRole('button', { name: 'Retry' }).click();
          await page.locator(`.source.ok[data-source="${provider.id}"]`).waitFor({ timeout: 30_000 });
        }
        assert.deepEqual(page.errors, [], 'no panic, no uncaught error');
        await page.close();
      });
    }
  });
}
