// The release widget, served by the proxy, searching the simulator through it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simContacts, simRequests, startStack } from './stack.mjs';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

/** A person the simulator holds with a full name that is unique in its data. */
async function uniquePerson() {
  const { items } = await simContacts(stack.sim, '', 200);
  for (const c of items) {
    if (!c.firstName || !c.lastName) continue;
    const name = `${c.firstName} ${c.lastName}`;
    const { totalFiltered } = await simContacts(stack.sim, name, 1);
    if (totalFiltered === 1) return { name, contact: c };
  }
  throw new Error('no uniquely named contact in the simulator');
}

test('?q=<name> shows that contact\'s card on load', async () => {
  const { name, contact } = await uniquePerson();
  const page = await stack.page();
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto(`${stack.proxy}/widget/?sources=8x8&q=${encodeURIComponent(name)}`);
  const card = page.locator('.card', { hasText: name });
  await card.waitFor({ timeout: 20_000 });
  // The proxy writes the runtime config into the page: the search goes out without asking for it.
  assert.ok(!asked.includes('/widget/cardfile.json'), `no config round trip: ${asked.join(' ')}`);
  assert.ok(asked.some((p) => p.startsWith('/proxy/8x8/')));
  assert.equal(await card.locator('.name').textContent(), name);
  assert.equal(await card.locator('.badge').textContent(), '8x8 Connect');
  assert.equal(await card.locator('.email').textContent(), contact.addresses.email);
  assert.match(await page.locator('.source[data-source="8x8"]').textContent(), /1 found/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('typing a name searches without pressing Enter, and details open on click', async () => {
  const { name, contact } = await uniquePerson();
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=8x8`);
  await page.locator('.empty', { hasText: 'Type a name' }).waitFor();
  await page.getByRole('combobox', { name: 'Search contacts' }).pressSequentially(name, { delay: 30 });
  const card = page.locator('.card', { hasText: name });
  await card.waitFor({ timeout: 20_000 });
  await card.locator('.card-head').click();
  const details = card.locator('.details');
  await details.waitFor();
  assert.match(await details.textContent(), new RegExp(contact.externalId));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('next and previous page through results the provider pages', async () => {
  // The demo config asks 8x8 for 10 contacts a page.
  const query = 'a';
  const { totalFiltered, items } = await simContacts(stack.sim, query, 20);
  assert.ok(totalFiltered > 20, 'the simulator holds enough matches to page');
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=8x8&q=${query}`);
  const names = page.locator('.results .name');
  await page.locator('.source.ok').waitFor({ timeout: 20_000 });
  assert.equal(await names.count(), 10);
  const first = await names.first().textContent();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('.page-no', { hasText: 'Page 2' }).waitFor();
  await page.locator('.source.ok').waitFor();
  const secondPageFirst = items[10];
  const expected = secondPageFirst.firstName
    ? `${secondPageFirst.firstName} ${secondPageFirst.lastName}`
    : secondPageFirst.addresses.msisdn;
  await page.locator('.results .name').first().filter({ hasText: expected }).waitFor();
  const before = (await simRequests(stack.sim))['8x8'];
  await page.getByRole('button', { name: 'Previous' }).click();
  await page.locator('.results .name').first().filter({ hasText: first }).waitFor();
  const afterBack = (await simRequests(stack.sim))['8x8'];
  assert.equal(afterBack, before, 'going back a page is served from the cache');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a bad URL parameter is a visible, specific message, not a blank panel', async () => {
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=nope`);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 20_000 });
  assert.match(await alert.textContent(), /sources names `nope`/);
  await page.close();
});

test('the demo desktop embeds the widget, which works inside the iframe', async () => {
  const { name } = await uniquePerson();
  const page = await stack.page();
  await page.goto(`${stack.proxy}/`);
  const widget = page.frameLocator('iframe#cardfile');
  await widget.getByRole('combobox', { name: 'Search contacts' }).fill(name);
  await widget.locator('.card', { hasText: name }).waitFor({ timeout: 20_000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});
