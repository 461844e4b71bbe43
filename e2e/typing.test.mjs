// Typing and the local index: network sources are asked once a typed query pauses, the locally
// indexed source (Smartflo) answers every key, and its index survives a reload, refreshed with
// `updated_after` instead of being read again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { armFault, clearFaults, raw, simContacts, simRequests, startStack } from './stack.mjs';

const INDEX_KEY = 'cardfile.index.smartflo';
let stack;
// Smartflo's index is refreshed every 2 s here (default: 5 min), so the test can see it happen.
const SMARTFLO = 'id = "smartflo"\nkind = "smartflo"\n';
before(async () => {
  stack = await startStack({
    editConfig: (toml) => {
      assert.ok(toml.includes(SMARTFLO), 'the demo config has the Smartflo source');
      return toml.replace(SMARTFLO, `${SMARTFLO}options = { refresh_seconds = "2" }\n`);
    },
  });
});
after(async () => {
  await stack?.stop();
});

async function simLog() {
  return (await fetch(`${stack.sim}/_sim/log`)).json();
}

async function clearSimLog() {
  await fetch(`${stack.sim}/_sim/log`, { method: 'DELETE' });
}

/** Smartflo's listing requests in the simulator's log, each checked to ask only for changes. */
async function changeRequests() {
  const listed = (await simLog()).filter((r) => r.method === 'GET' && r.path === '/smartflo/v1/contacts');
  for (const r of listed) assert.match(r.query, /updated_after=/, `only changes are asked for: ${r.query}`);
  return listed;
}

/** Waits until the Smartflo status line has stopped indexing (all pages read). */
async function untilIndexed(page) {
  const line = page.locator('.source[data-source="smartflo"]');
  await line.waitFor({ timeout: 20_000 });
  const deadline = Date.now() + 60_000;
  while (/indexing/.test(await line.textContent()) || (await line.getAttribute('class')).includes('busy')) {
    if (Date.now() > deadline) throw new Error('Smartflo still indexing');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.doesNotMatch(await line.textContent(), /fail|stopped/i);
}

test('a typed name costs each network source one request; the local index answers without any', async () => {
  const { items } = await simContacts(stack.sim, '', 200);
  const name = items.map((c) => c.firstName).find((n) => n && n.length >= 6 && /^[A-Za-z]+$/.test(n));
  assert.ok(name, 'an ASCII first name of 6 letters or more in the 8x8 data');
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=8x8,smartflo`);
  await untilIndexed(page);
  await fetch(`${stack.sim}/_sim/requests`, { method: 'DELETE' });
  await clearSimLog();
  await page.getByRole('combobox', { name: 'Search contacts' }).pressSequentially(name, { delay: 30 });
  const eightByEight = page.locator('.source[data-source="8x8"]');
  await page.locator('.source[data-source="8x8"]:not(.busy)').waitFor({ timeout: 20_000 });
  assert.match(await eightByEight.textContent(), /found|shown/);
  await page.locator('.card', { hasText: name }).first().waitFor();
  const counts = await simRequests(stack.sim);
  // One request once typing paused (30 ms between keys, 200 ms pause); a second only if this
  // busy machine stalled between two keys for longer than the pause. Never one per key.
  assert.ok((counts['8x8'] ?? 0) >= 1 && counts['8x8'] <= 2, `8x8 asked ${counts['8x8']} times for ${name.length} keys`);
  // Smartflo is searched in its local index; the only requests it gets are the periodic
  // refreshes (every 2 s in this stack), which ask what changed, not the typed name.
  await changeRequests();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("Smartflo's index survives a reload and is refreshed with updated_after, not read again", async () => {
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=smartflo`);
  await untilIndexed(page);
  const saved = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), INDEX_KEY);
  assert.ok(saved && saved.contacts.length > 100, 'the finished index is saved');

  // Drop the most recently updated contacts (down to the latest with a plain name to search
  // for) from the saved copy: the refresh must bring them back.
  const byUpdate = saved.contacts.filter((c) => c.updated_at).sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  const named = byUpdate.find((c) => /^[A-Za-z]+ [A-Za-z]+$/.test(c.display_name));
  assert.ok(named, 'a contact with a plain name');
  const dropped = saved.contacts.filter((c) => c.updated_at && c.updated_at >= named.updated_at);
  saved.contacts = saved.contacts.filter((c) => !(c.updated_at && c.updated_at >= named.updated_at));
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [INDEX_KEY, JSON.stringify(saved)]);

  await clearSimLog();
  await page.reload();
  await page.locator('.source[data-source="smartflo"]').waitFor();
  assert.doesNotMatch(await page.locator('.source[data-source="smartflo"]').textContent(), /indexing/);
  const search = page.getByRole('combobox', { name: 'Search contacts' });
  await search.fill(named.display_name);
  await search.press('Enter');
  await page.locator('.card', { hasText: named.display_name }).first().waitFor({ timeout: 20_000 });

  assert.ok((await changeRequests()).length >= 1, 'Smartflo was asked what changed');
  const refreshed = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), INDEX_KEY);
  const ids = new Set(refreshed.contacts.map((c) => c.id));
  for (const c of dropped) assert.ok(ids.has(c.id), `contact ${c.id} came back with the refresh`);
  assert.equal(refreshed.contacts.length, saved.contacts.length + dropped.length);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a damaged saved index is dropped and the source read again in full', async () => {
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=smartflo`);
  await untilIndexed(page);
  await page.evaluate((key) => localStorage.setItem(key, '{"version":1,"contacts":[{"oops"'), INDEX_KEY);
  await clearSimLog();
  await page.reload();
  await untilIndexed(page);
  const listed = (await simLog()).filter((r) => r.method === 'GET' && r.path === '/smartflo/v1/contacts');
  assert.ok(listed.some((r) => !r.query.includes('updated_after')), 'read again from the first page');
  const saved = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), INDEX_KEY);
  assert.ok(saved.contacts.length > 100, 'and saved again');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an open widget keeps asking Smartflo what changed, and only that', async () => {
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=smartflo`);
  await untilIndexed(page);
  await clearSimLog();
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  assert.ok((await changeRequests()).length >= 1, 'refreshed at least once in 5 s with refresh_seconds = 2');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('contacts Smartflo lists as deleted are never shown', async () => {
  const { results } = await raw(stack.proxy, 'smartflo', '/v1/contacts?limit=100&page=1');
  const deleted = results.find((c) => c.deleted_at && c.phone_number);
  assert.ok(deleted, 'the simulator lists a deleted contact with a phone number');
  const alive = results.find((c) => !c.deleted_at && c.phone_number);
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=smartflo`);
  await untilIndexed(page);
  const saved = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), INDEX_KEY);
  assert.ok(!saved.contacts.some((c) => c.id === String(deleted.id)), 'not kept in the saved index');
  const search = page.getByRole('combobox', { name: 'Search contacts' });
  await search.fill(alive.phone_number);
  await search.press('Enter');
  await page.locator('.card').first().waitFor({ timeout: 20_000 });
  await search.fill(deleted.phone_number);
  await search.press('Enter');
  await page.locator('.empty', { hasText: 'No contacts match' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('.card').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a late source keeps the highlighted person highlighted and the open card open', async () => {
  // A name both sources know: Smartflo answers from its index at once, 8x8 three seconds later.
  const { results } = await raw(stack.proxy, 'smartflo', '/v1/contacts?limit=100&page=1');
  const { items } = await simContacts(stack.sim, '', 200);
  const eightByEight = new Set(items.map((c) => c.firstName));
  const name = results
    .filter((c) => !c.deleted_at && c.name)
    .map((c) => c.name.split(' ')[0])
    .find((first) => /^[A-Za-z]{4,}$/.test(first) && eightByEight.has(first));
  assert.ok(name, 'a first name in both Smartflo and 8x8 data');
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=8x8,smartflo`);
  await untilIndexed(page);
  await armFault(stack.sim, { provider: '8x8', path: '/api/', fault: 'latency', ms: 3000, count: 1 });
  try {
    const search = page.getByRole('combobox', { name: 'Search contacts' });
    await search.fill(name);
    await search.press('Enter');
    await page.locator('.card').nth(2).waitFor({ timeout: 10_000 });
    assert.ok(await page.locator('.source[data-source="8x8"].busy').count(), '8x8 has not answered yet');
    const eightByEightBadges = page.locator('.results .badge', { hasText: '8x8' });
    assert.equal(await eightByEightBadges.count(), 0);
    await search.press('ArrowDown');
    await search.press('ArrowDown');
    await search.press('ArrowDown');
    const active = page.locator('.results .card.active');
    const highlighted = await active.locator('.name').textContent();
    const opened = await page.locator('.results .card').nth(0).locator('.name').textContent();
    await page.locator('.results .card').nth(0).locator('.card-head').click();
    await page.locator('.results .card.open').waitFor();
    await page.locator('.source[data-source="8x8"]:not(.busy)').waitFor({ timeout: 20_000 });
    await eightByEightBadges.first().waitFor(); // the late answer changed the list
    assert.equal(await active.count(), 1, 'still one highlighted person');
    assert.equal(await active.locator('.name').textContent(), highlighted);
    assert.equal(await search.getAttribute('aria-activedescendant'), await active.getAttribute('id'));
    assert.equal(await page.locator('.results .card.open .name').textContent(), opened);
    assert.equal(await page.locator('.results .card.open .details').count(), 1);
  } finally {
    await clearFaults(stack.sim);
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});
