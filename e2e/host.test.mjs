// The widget inside the demo agent desktop: screen pop (one match, and a picker), actions
// reaching the host, the bridge's origin rules; merged cards; keyboard-only use; screenshots.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DEMO_8X8_ACCOUNT, otherFormat, raw, startStack } from './stack.mjs';

const SHOTS = new URL('../test-results/screenshots/', import.meta.url).pathname;

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

/**
 * The demo desktop, recording the target origin of every message the widget posts to it.
 * The widget calls the desktop window's postMessage, so the record is kept there. Calling the
 * original from the recorder would make the desktop itself the message's source, so the
 * recorder delivers the message as the browser would: from the widget's frame and origin.
 */
async function desktop() {
  const page = await stack.page({ permissions: ['clipboard-read', 'clipboard-write'] });
  await page.addInitScript(() => {
    if (window !== window.top) return;
    window.__targets = [];
    window.postMessage = function (message, target) {
      const targetOrigin = typeof target === 'string' ? target : target?.targetOrigin;
      window.__targets.push(targetOrigin);
      const frame = document.getElementById('cardfile').contentWindow;
      if (targetOrigin === window.location.origin || targetOrigin === '*') {
        const event = { data: structuredClone(message), origin: frame.location.origin, source: frame };
        setTimeout(() => window.dispatchEvent(new MessageEvent('message', event)), 0);
      }
    };
  });
  await page.goto(`${stack.proxy}/`);
  await page.locator('#bridge-status', { hasText: 'connected' }).waitFor({ timeout: 20_000 });
  return { page, widget: page.frameLocator('iframe#cardfile') };
}

const hostLog = (page, type) => page.locator(`#host-log li[data-type="${type}"]`);

/** 8x8 contacts through the proxy, as the provider stores them. */
async function eightByEight(limit = 500) {
  const page = await raw(stack.proxy, '8x8', `/api/v1/accounts/${DEMO_8X8_ACCOUNT}/contacts?limit=${limit}`);
  return page.items.filter((c) => c.firstName && c.lastName && c.addresses?.msisdn);
}

/** Waits until no source of the widget is still searching, indexing or retrying. */
async function untilSettled(widget, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await widget.locator('.source.busy').count()) > 0) {
    if (Date.now() > deadline) throw new Error('sources still busy');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function digits(s) {
  return s.replace(/\D/g, '');
}

test('screen pop from the desktop opens the only match and tells the host', async () => {
  const people = await eightByEight();
  const counts = new Map();
  for (const c of people) counts.set(digits(c.addresses.msisdn), (counts.get(digits(c.addresses.msisdn)) ?? 0) + 1);
  const caller = people.find((c) => counts.get(digits(c.addresses.msisdn)) === 1);
  const name = `${caller.firstName} ${caller.lastName}`;
  const { page, widget } = await desktop();
  await untilSettled(widget);
  await page.locator('#caller').fill(otherFormat(caller.addresses.msisdn));
  await page.getByRole('button', { name: 'Incoming call' }).click();
  await widget.locator('.card.open', { hasText: name }).waitFor({ timeout: 20_000 });
  await hostLog(page, 'select').filter({ hasText: name }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('screen pop with several matches asks the agent, and remembers the pick', async () => {
  const people = await eightByEight();
  const byNumber = new Map();
  for (const c of people) {
    const key = digits(c.addresses.msisdn);
    byNumber.set(key, [...(byNumber.get(key) ?? []), c]);
  }
  const [number, household] = [...byNumber.entries()].find(([, list]) => list.length > 1);
  const { page, widget } = await desktop();
  // Smartflo is indexed first: a pop during indexing would resolve before Smartflo answers.
  await untilSettled(widget);
  await page.locator('#caller').fill(`+${number}`);
  await page.getByRole('button', { name: 'Incoming call' }).click();
  await widget.locator('.banner.pop', { hasText: 'people match' }).waitFor({ timeout: 20_000 });
  assert.equal(await widget.locator('.card.open').count(), 0, 'nothing opened on a guess');
  // Slower sources may still add to the list after the budget; pick once it is complete, so
  // the click does not land on a card being replaced.
  await untilSettled(widget);
  const picked = `${household[1].firstName} ${household[1].lastName}`;
  await widget.locator('.card', { hasText: picked }).first().locator('.card-head').click();
  await widget.locator('.card.open', { hasText: picked }).waitFor().catch(async (e) => {
    const state = await widget.locator('.cardfile').textContent();
    throw new Error(`${e.message}\nwidget: ${state}`);
  });
  await hostLog(page, 'select').filter({ hasText: picked }).waitFor().catch(async (e) => {
    throw new Error(`${e.message}\nhost log: ${await page.locator('#host-log').textContent()}`);
  });

  // The same caller again: the remembered pick opens straight away.
  await page.getByRole('button', { name: 'Incoming call' }).click();
  await widget.locator('.card.open', { hasText: picked }).waitFor({ timeout: 20_000 });
  assert.equal(await widget.locator('.banner.pop').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('call, message and copy reach the host or the clipboard', async () => {
  const [person] = await eightByEight(20);
  const name = `${person.firstName} ${person.lastName}`;
  const { page, widget } = await desktop();
  await page.locator('#host-query').fill(person.addresses.email);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const card = widget.locator('.card', { hasText: name }).first();
  await card.waitFor({ timeout: 20_000 });
  await card.locator('.card-head').click();
  // The merged card shows the number once, as the first source that has it writes it.
  const rows = card.locator('.details dd').filter({ has: page.getByRole('button', { name: 'Call' }) });
  let phoneRow;
  let shown;
  for (const row of await rows.all()) {
    const value = await row.locator('.value').textContent();
    if (digits(value).endsWith(digits(person.addresses.msisdn).slice(-9))) [phoneRow, shown] = [row, value];
  }
  assert.ok(phoneRow, 'the 8x8 number is on the card');
  await phoneRow.getByRole('button', { name: 'Call' }).click();
  await hostLog(page, 'dial').filter({ hasText: shown }).waitFor();
  await phoneRow.getByRole('button', { name: 'Message' }).click();
  await hostLog(page, 'message').filter({ hasText: 'via sms' }).waitFor();
  const emailRow = card.locator('.details dd', { hasText: person.addresses.email }).first();
  await emailRow.getByRole('button', { name: 'Message' }).click();
  await hostLog(page, 'message').filter({ hasText: 'via email' }).waitFor();
  await phoneRow.getByRole('button', { name: 'Copy' }).click();
  await phoneRow.getByRole('button', { name: 'Copied' }).waitFor();
  const frame = page.frames().find((f) => f.url().includes('/widget/'));
  assert.equal(await frame.evaluate(() => navigator.clipboard.readText()), shown);
  const targets = await page.evaluate(() => window.__targets);
  assert.ok(targets.length >= 5, `recorded ${targets.length} messages`);
  assert.ok(targets.every((t) => t === stack.proxy), `every message names the host's origin: ${targets}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the bridge ignores other frames, other origins and malformed messages', async () => {
  const { page, widget } = await desktop();
  const input = widget.getByRole('combobox', { name: 'Search contacts' });
  const origin = stack.proxy;
  const other = origin.replace('127.0.0.1', 'localhost');
  // A sibling frame of the same origin: not the widget's parent.
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    document.body.append(f);
  }, `${origin}/desktop.css`);
  await page.waitForTimeout(500);
  const sibling = page.frames().find((f) => f.url().endsWith('/desktop.css'));
  await sibling.evaluate((target) => {
    window.parent.frames[0].postMessage({ cardfile: 1, type: 'search', query: 'intruder' }, target);
  }, origin);
  // A window of another origin that holds a reference to the widget (a popup of the desktop).
  const [popup] = await Promise.all([
    page.context().waitForEvent('page'),
    page.evaluate((src) => window.open(src), `${other}/desktop.css`),
  ]);
  await popup.waitForLoadState();
  await popup.evaluate((target) => {
    window.opener.frames[0].postMessage({ cardfile: 1, type: 'search', query: 'intruder' }, target);
  }, origin);
  // From the real parent, but malformed or of another protocol version.
  await page.evaluate((target) => {
    const w = document.getElementById('cardfile').contentWindow;
    w.postMessage('search intruder', target);
    w.postMessage({ cardfile: 2, type: 'search', query: 'intruder' }, target);
    w.postMessage({ cardfile: 1, type: 'search', query: 42 }, target);
    w.postMessage({ cardfile: 1, type: 'eval', code: 'alert(1)' }, target);
  }, origin);
  await page.waitForTimeout(800);
  assert.equal(await input.inputValue(), '', 'no message moved the widget');
  // The real parent with a valid message still works.
  await page.locator('#host-query').fill('maria');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await widget.locator('.card').first().waitFor({ timeout: 20_000 });
  assert.equal(await input.inputValue(), 'maria');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the same person in several sources is one card with a badge per source', async () => {
  const eight = await eightByEight();
  const talkdesk = await raw(stack.proxy, 'talkdesk', '/fsi/contacts?page=1&per_page=100');
  const emails = new Set(
    talkdesk._embedded.contacts.flatMap((e) =>
      (e.contact.contacts ?? []).filter((p) => p.type === 'EMAIL').map((p) => p.value.toLowerCase()),
    ),
  );
  const shared = eight.find((c) => emails.has(c.addresses.email?.toLowerCase()));
  assert.ok(shared, 'the simulator shares people between 8x8 and Talkdesk');
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=8x8,talkdesk&q=${encodeURIComponent(shared.addresses.email)}`);
  const card = page.locator('.card', { hasText: `${shared.firstName}` }).first();
  await card.waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('.results .card').count(), 1, 'one card, not one per source');
  assert.deepEqual(await card.locator('.badge').allTextContents(), ['Talkdesk', '8x8 Connect']);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('keyboard only: / focuses, arrows move, Enter opens, Escape clears', async () => {
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?sources=8x8`);
  const input = page.getByRole('combobox', { name: 'Search contacts' });
  await input.waitFor();
  await page.locator('body').click();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Search contacts');
  await page.keyboard.type('ana', { delay: 40 });
  await page.locator('.results .card').nth(1).waitFor({ timeout: 20_000 });
  await page.locator('[role=status]', { hasText: 'contacts found' }).waitFor();
  const ids = await page.locator('.results .card').evaluateAll((cards) => cards.map((c) => c.id));
  assert.equal(new Set(ids).size, ids.length, 'every result has its own id');
  for (const id of ids) assert.match(id, /^cardfile-result-[0-9a-f]{16}$/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await input.getAttribute('aria-activedescendant'), ids[1]);
  assert.equal(await page.locator('.results .card.active').getAttribute('id'), ids[1]);
  await page.keyboard.press('ArrowUp');
  assert.equal(await input.getAttribute('aria-activedescendant'), ids[0]);
  assert.equal(await page.locator(`#${ids[0]}`).locator('xpath=..').getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('.results li[aria-selected=true]').count(), 1, 'one option selected');
  await page.keyboard.press('Enter');
  await page.locator(`#${ids[0]}.open .details`).waitFor();
  // A header activated with the keyboard keeps the focus while its card opens and closes.
  const focusedCard = () => page.evaluate(() => document.activeElement?.closest('.card')?.id ?? null);
  const head = page.locator(`#${ids[1]} .card-head`);
  await head.focus();
  await page.keyboard.press('Space');
  await page.locator(`#${ids[1]}.open .details`).waitFor();
  assert.equal(await page.locator(`#${ids[1]} .card-head`).getAttribute('aria-expanded'), 'true');
  await page.waitForFunction((id) => document.activeElement?.closest('.card')?.id === id, ids[1]);
  assert.equal(await page.locator('.results .card.open').count(), 1, 'opening one card closes the other');
  await page.keyboard.press('Space');
  await page.locator(`#${ids[1]}:not(.open)`).waitFor();
  await page.waitForFunction((id) => document.activeElement?.closest('.card')?.id === id, ids[1]);
  assert.equal(await focusedCard(), ids[1]);
  await input.focus();
  await page.keyboard.press('Escape');
  await page.locator('.empty', { hasText: 'Type a name' }).waitFor();
  assert.equal(await input.inputValue(), '');
  assert.equal(await page.locator('.results .card').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('screenshots at 320 px and 1280 px, light and dark', async () => {
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    const narrow = await stack.page({ viewport: { width: 320, height: 640 }, colorScheme: scheme });
    await narrow.goto(`${stack.proxy}/widget/?q=maria`);
    await narrow.locator('.results .card').nth(2).waitFor({ timeout: 20_000 });
    await narrow.locator('.results .card-head').first().click();
    await narrow.locator('.details').first().waitFor();
    await narrow.screenshot({ path: `${SHOTS}widget-320-${scheme}.png`, fullPage: true });
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, `no horizontal scroll at 320 px (${scheme})`);
    await narrow.close();

    const wide = await stack.page({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    await wide.goto(`${stack.proxy}/`);
    const widget = wide.frameLocator('iframe#cardfile');
    await wide.locator('#bridge-status', { hasText: 'connected' }).waitFor({ timeout: 20_000 });
    await widget.getByRole('combobox', { name: 'Search contacts' }).fill('oliveira');
    await widget.locator('.results .card').nth(1).waitFor({ timeout: 20_000 });
    await wide.screenshot({ path: `${SHOTS}desktop-1280-${scheme}.png` });
    await wide.close();
  }
});
