// Every provider, through the widget: a name search, a phone search written differently than
// the provider stores it, paging there and back, and the provider's own fields on the card.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherFormat, startStack, storedPeople } from './stack.mjs';

const PROVIDERS = [
  { id: 'talkdesk', label: 'Talkdesk', field: 'Member id' },
  { id: 'symphony', label: 'Symphony', field: 'Network' },
  { id: 'gws', label: 'Genesys GWS', field: 'Type' },
  { id: '8x8', label: '8x8 Connect', field: 'External id' },
  { id: 'smartflo', label: 'Tata Smartflo', field: 'Created' },
];

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

async function openWidget(query) {
  const page = await stack.page();
  await page.goto(`${stack.proxy}/widget/?${query}`);
  return page;
}

for (const provider of PROVIDERS) {
  describe(provider.label, () => {
    test('a name search finds the person, and the card shows this provider\'s fields', async () => {
      const [person] = await storedPeople(stack.proxy, provider.id);
      const page = await openWidget(`sources=${provider.id}&q=${encodeURIComponent(person.name)}`);
      const card = page.locator('.card', { hasText: person.name }).first();
      await card.waitFor({ timeout: 30_000 });
      assert.equal(await card.locator('.badge').first().textContent(), provider.label);
      // Every card answers every word of the query, in its name or its email.
      const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      for (const text of await page.locator('.results .card').allTextContents()) {
        for (const word of fold(person.name).split(/\s+/)) {
          assert.ok(fold(text).includes(word), `"${text}" answers "${person.name}"`);
        }
      }
      await card.locator('.card-head').click();
      const details = card.locator('.details');
      await details.waitFor();
      assert.match(await details.textContent(), new RegExp(provider.field));
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test('a phone search in another format finds the same person', async () => {
      const people = await storedPeople(stack.proxy, provider.id);
      const person = people[1] ?? people[0];
      const typed = otherFormat(person.phone);
      assert.notEqual(typed, person.phone);
      const page = await openWidget(`sources=${provider.id}&q=${encodeURIComponent(typed)}`);
      await page.locator('.card', { hasText: person.name }).first().waitFor({ timeout: 30_000 });
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test('paging to the second page and back', async () => {
      const page = await openWidget(`sources=${provider.id}&q=a`);
      await page.locator(`.source.ok[data-source="${provider.id}"]`).waitFor({ timeout: 30_000 });
      const first = await page.locator('.results .name').allTextContents();
      assert.ok(first.length > 0);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.locator('.page-no', { hasText: 'Page 2' }).waitFor();
      await page.locator(`.source.ok[data-source="${provider.id}"]`).waitFor();
      const second = await page.locator('.results .name').allTextContents();
      assert.ok(second.length > 0);
      assert.notDeepEqual(second, first);
      await page.getByRole('button', { name: 'Previous' }).click();
      await page.locator('.page-no', { hasText: 'Page 1' }).waitFor();
      await page.locator(`.source.ok[data-source="${provider.id}"]`).waitFor();
      assert.deepEqual(await page.locator('.results .name').allTextContents(), first);
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  });
}
