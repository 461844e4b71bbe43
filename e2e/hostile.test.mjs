// Hostile provider data (the simulator's --adversarial mode) rendered by the release widget:
// nothing in it may run, become markup or become a link, and the page runs under the proxy's
// Content-Security-Policy without a single violation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startAdversarialStack } from './stack.mjs';

const root = new URL('..', import.meta.url).pathname;
const SOURCES = ['talkdesk', 'symphony', 'gws', '8x8', 'smartflo'];
/** Matches every provider's share of the hostile population (Symphony's search included). */
const QUERY = 'a';

/** Rust string literal → JS string (the escapes adversarial.rs uses). */
function unescapeRust(literal) {
  return literal.replace(/\\(u\{([0-9a-fA-F]+)\}|n|r|t|0|\\|"|')/g, (_, esc, hex) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return { n: '\n', r: '\r', t: '\t', 0: '\0', '\\': '\\', '"': '"', "'": "'" }[esc];
  });
}

/** The simulator's payloads, read from its source: the list the DOM is checked against. */
function payloads() {
  const source = readFileSync(`${root}crates/sim/src/adversarial.rs`, 'utf8');
  const long = unescapeRust(source.match(/const LONG_A: &str = "((?:[^"\\]|\\.)*)";/)[1]);
  const list = source.match(/static PAYLOADS: &\[&str\] = &\[([\s\S]*?)\n\];/)[1];
  const found = [];
  for (const line of list.split('\n')) {
    const item = line.trim();
    if (item === 'LONG_A,') found.push(long);
    else if (item.startsWith('"')) found.push(unescapeRust(item.match(/^"((?:[^"\\]|\\.)*)",?$/)[1]));
  }
  return found;
}

/**
 * The payloads present in `text`; one that is part of a longer payload counts only where it
 * appears outside every longer payload containing it (so `{{7*7}}` is not counted because
 * `{{{html}}}`… appeared, nor `null` because of another string).
 */
function renderedPayloads(text, all) {
  const keys = all.map((p) => p.trim()).filter((p) => p.length > 0);
  return keys.filter((key) => {
    let rest = text;
    for (const longer of keys) {
      if (longer.length > key.length && longer.includes(key)) rest = rest.split(longer).join('\u0001');
    }
    return rest.includes(key);
  });
}

let stack;
before(async () => {
  stack = await startAdversarialStack();
});
after(async () => {
  await stack?.stop();
});

/**
 * A page in its own context. `bypassCSP`: the policy would block an injected inline handler
 * before it ran, hiding an escaping bug; without it the canary proves nothing ran at all.
 */
async function hostilePage({ bypassCSP }) {
  const context = await stack.browser.newContext({ bypassCSP });
  await context.addInitScript(() => {
    window.__canaryCalls = [];
    window.__cardfile_canary = () => window.__canaryCalls.push(String(new Error().stack));
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const page = await context.newPage();
  page.errors = [];
  page.dialogs = [];
  page.foreign = [];
  page.csp = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) page.csp.push(m.text());
    else if (m.type() === 'error') page.errors.push(m.text());
  });
  page.on('dialog', async (d) => {
    page.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(stack.proxy)) page.foreign.push(r.url());
  });
  page.done = () => context.close();
  return page;
}

/** Loads the widget searching every source, and waits until each one has answered. */
async function searchAll(page, query) {
  await page.goto(`${stack.proxy}/widget/?q=${encodeURIComponent(query)}`);
  for (const id of SOURCES) {
    await page.locator(`.source[data-source="${id}"].ok`).waitFor({ timeout: 30_000 });
  }
}

/** Opens every card on the page, one after the other; returns the text seen in `.results`. */
async function openEveryCard(page) {
  const seen = [];
  const heads = page.locator('.results .card-head');
  const count = await heads.count();
  for (let i = 0; i < count; i += 1) {
    const card = page.locator('.results .card').nth(i);
    if ((await heads.nth(i).getAttribute('aria-expanded')) !== 'true') await heads.nth(i).click();
    await card.locator('.details').waitFor();
    seen.push(await page.locator('.results').evaluate((el) => el.textContent));
  }
  return { count, text: seen.join('\n') };
}

/** Everything about the DOM that provider data must not have shaped. */
function domFindings() {
  const findings = [];
  const results = document.querySelector('.results');
  const forbidden = 'img, svg, math, script, iframe, frame, object, embed, style, link, meta, base, form, input, textarea, select, details, video, audio, source, table, b, i, body, title';
  for (const el of results.querySelectorAll(forbidden)) findings.push(`element <${el.tagName.toLowerCase()}> in .results`);
  const tags = new Set([...results.querySelectorAll('*')].map((el) => el.tagName.toLowerCase()));
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) findings.push(`${attr.name} attribute on <${el.tagName.toLowerCase()}>`);
      if (/__cardfile_canary|javascript:|<|data:text/i.test(attr.value)) {
        findings.push(`${attr.name}="${attr.value.slice(0, 80)}" on <${el.tagName.toLowerCase()}>`);
      }
    }
  }
  const links = [];
  for (const el of document.querySelectorAll('[href], [src], [action], [formaction], [srcdoc], [xlink\\:href]')) {
    if (el.closest('head') && ['link', 'script'].includes(el.tagName.toLowerCase())) continue; // trunk's own assets
    const href = el.getAttribute('href');
    if (href === null) findings.push(`<${el.tagName.toLowerCase()}> with a src/action attribute`);
    else links.push(href);
  }
  for (const el of document.querySelectorAll('head link[href], head script[src]')) {
    const url = el.getAttribute('href') ?? el.getAttribute('src');
    if (!url.startsWith('/widget/')) findings.push(`head asset ${url}`);
  }
  return { findings, links, tags: [...tags].sort() };
}

const TEL = /^tel:\+?\d{4,15}$/;
const MAILTO = /^mailto:[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

test('hostile data from every provider renders as inert text only', async () => {
  const all = payloads();
  assert.ok(all.length >= 50, `${all.length} payloads in the simulator`);
  const page = await hostilePage({ bypassCSP: true });
  await searchAll(page, QUERY);
  for (const id of SOURCES) {
    assert.match(
      await page.locator(`.source[data-source="${id}"] .source-state`).textContent(),
      /[1-9]\d* (found|shown)/,
      `${id} shows results`,
    );
  }
  let text = '';
  let cards = 0;
  const links = new Set();
  const findings = [];
  // Every card of the first pages, opened: names, companies, phones, emails, addresses, custom
  // fields. Two pages of every source that pages give enough distinct payloads.
  for (let pageNo = 1; pageNo <= 2; pageNo += 1) {
    const opened = await openEveryCard(page);
    cards += opened.count;
    text += opened.text;
    const dom = await page.evaluate(domFindings);
    findings.push(...dom.findings);
    dom.links.forEach((l) => links.add(l));
    const next = page.getByRole('button', { name: 'Next' });
    if (pageNo === 2 || !(await next.isVisible()) || !(await next.isEnabled())) break;
    await next.click();
    await page.locator('.page-no', { hasText: 'Page 2' }).waitFor();
    for (const id of SOURCES) await page.locator(`.source[data-source="${id}"]:not(.busy)`).waitFor();
    await page.locator('.results .card').first().waitFor();
  }
  assert.ok(cards >= 20, `${cards} cards rendered`);
  const rendered = renderedPayloads(text, all);
  const missing = all.map((p) => p.trim()).filter((p) => p && !rendered.includes(p));
  console.log(`${cards} cards, ${rendered.length} of ${all.length} payloads rendered as text; not seen: ${JSON.stringify(missing.map((p) => p.slice(0, 40)))}`);
  assert.ok(rendered.length >= 50, `only ${rendered.length} distinct payloads rendered`);
  assert.deepEqual(findings, [], 'markup or attributes from provider data');
  assert.ok(links.size > 0, 'cards offer tel:/mailto: links');
  for (const href of links) {
    assert.ok(TEL.test(href) || MAILTO.test(href), `href ${JSON.stringify(href)} is not a validated tel:/mailto:`);
  }
  await page.waitForTimeout(500); // anything scheduled (onerror, autofocus, animations) has fired
  assert.deepEqual(await page.evaluate(() => window.__canaryCalls), [], 'a payload ran script');
  assert.deepEqual(page.dialogs, [], 'a payload opened a dialog');
  assert.deepEqual(page.foreign, [], 'a payload made the page load something from elsewhere');
  assert.deepEqual(page.errors, []);
  // The harness would have noticed: the same kind of payload, injected as markup, calls the
  // canary and is found by the DOM checks.
  await page.evaluate(() => {
    document.querySelector('.results').insertAdjacentHTML('beforeend', '<img src=x onerror="__cardfile_canary()">');
  });
  await page.waitForFunction(() => window.__canaryCalls.length > 0);
  assert.ok((await page.evaluate(domFindings)).findings.length >= 2);
  await page.done();
});

test('the widget runs under the proxy\'s Content-Security-Policy without a violation', async () => {
  const reply = await fetch(`${stack.proxy}/widget/`);
  const policy = reply.headers.get('content-security-policy');
  assert.ok(policy, 'the widget page is served with a Content-Security-Policy');
  const directives = Object.fromEntries(
    policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(directives['default-src'], ["'self'"]);
  assert.ok(directives['script-src'].includes("'wasm-unsafe-eval'"), policy);
  for (const name of ['script-src', 'default-src']) {
    assert.ok(!directives[name].includes("'unsafe-inline'") && !directives[name].includes("'unsafe-eval'"), policy);
  }

  const page = await hostilePage({ bypassCSP: false });
  await page.goto(`${stack.proxy}/widget/`);
  await page.locator('.empty', { hasText: 'Type a name' }).waitFor({ timeout: 20_000 });
  await page.getByRole('combobox', { name: 'Search contacts' }).pressSequentially(QUERY, { delay: 30 });
  for (const id of SOURCES) {
    await page.locator(`.source[data-source="${id}"].ok`).waitFor({ timeout: 30_000 });
  }
  const opened = await openEveryCard(page);
  assert.ok(opened.count > 0);
  // Keyboard use and closing a card, too: every path that touches the DOM or styles.
  await page.locator('.results .card-head').first().click();
  await page.keyboard.press('/');
  await page.keyboard.type('script');
  await page.locator('.source[data-source="8x8"].ok').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'securitypolicyviolation events');
  assert.deepEqual(page.csp, [], 'console reports of Content Security Policy');
  assert.deepEqual(await page.evaluate(() => window.__canaryCalls), []);
  assert.deepEqual(page.errors, []);
  await page.done();
});
