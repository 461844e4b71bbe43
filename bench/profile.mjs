// Diagnosis aid for BENCHMARKS.md (not part of `make bench`): where the time of one 1k-card
// render and of typed keystrokes goes, from Chromium's own counters (CDP
// Performance.getMetrics: script, style, layout) and a CPU profile (self time per category:
// wasm, wasm-bindgen JS glue, page JS, GC, browser native). Run after `make bench` built things:
//   node bench/profile.mjs   -> target/bench/profile.json, plus target/bench/profile-*.cpuprofile
//                               (open in Chromium DevTools, Performance panel)
// PROFILE_PAGES=widget skips the vanilla page (widget, vanilla; default both). PROFILE_DIST=dir
// serves another build of the widget, e.g. one with wasm function names kept (wasm-opt -g;
// see BENCHMARKS.md), so the profile names Rust functions instead of `wasm-function[N]`.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const OUT = `${root}target/bench/`;
const env = Object.fromEntries(readFileSync(`${root}config/demo.env`, 'utf8').split('\n')
  .filter((l) => l.trim() && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGINT')));

async function start(bin, args, extra = {}) {
  const child = spawn(`${root}target/bench-build/server/${bin}`, args, { cwd: root, env: { ...process.env, ...extra }, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  for (let i = 0; i < 300; i++) {
    const m = out.match(/listening on (http:\/\/\S+)/);
    if (m) { child.stdout.removeAllListeners('data'); child.stdout.resume(); return m[1]; }
    await sleep(100);
  }
  throw new Error(`${bin} did not start`);
}

mkdirSync(`${OUT}www`, { recursive: true });
const css = readFileSync(`${root}target/bench-dist/index.html`, 'utf8').match(/href=["']?([^"' >]+\.css)/)[1];
writeFileSync(`${OUT}www/vanilla.html`, readFileSync(`${root}bench/vanilla.html`, 'utf8').replaceAll('WIDGET_CSS', css));
copyFileSync(`${root}bench/vanilla.js`, `${OUT}www/vanilla.js`);
const SIM = await start('cardfile-sim', ['--port', '0', '--contacts', '10000']);
let proxyConfig = 'bench/proxy.toml';
if (process.env.PROFILE_DIST) {
  proxyConfig = 'target/bench/profile-proxy.toml';
  writeFileSync(`${root}${proxyConfig}`, readFileSync(`${root}bench/proxy.toml`, 'utf8')
    .replace('widget_dir = "target/bench-dist"', `widget_dir = "${process.env.PROFILE_DIST}"`));
}
const PROXY = await start('cardfile-proxy', ['--config', proxyConfig, '--listen', '127.0.0.1:0'], { ...env, CARDFILE_SIM_URL: SIM });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

const METRICS = ['ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'TaskDuration'];
async function measure(name, page, action) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const before = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  await cdp.send('Profiler.start');
  await action();
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(`${OUT}profile-${name}.cpuprofile`, JSON.stringify(profile));
  const after = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const metrics = Object.fromEntries(METRICS.map((k) => [k.replace('Duration', '_ms'), Math.round((after[k] - before[k]) * 1000)]));
  // Self time per category from the sampled profile.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = {};
  const fns = {};
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id).callFrame;
    const url = n.url || '';
    const cat = url.endsWith('.wasm') || /^\$|wasm-function/.test(n.functionName) ? 'wasm'
      : /\/widget\/cardfile-.*\.js$/.test(url) ? 'wasm-bindgen glue (JS)'
      : url ? 'page JS'
      : n.functionName === '(garbage collector)' ? 'GC'
      : n.functionName === '(idle)' ? 'idle'
      : n.functionName === '(program)' ? 'browser native (style, layout, paint, DOM)'
      : 'DOM and other native calls from script';
    const ms = (dt[i] ?? 0) / 1000;
    self[cat] = (self[cat] ?? 0) + ms;
    if (cat !== 'idle') {
      const key = `${n.functionName || '(anonymous)'} ${url.split('/').pop()}`;
      fns[key] = (fns[key] ?? 0) + ms;
    }
  });
  const top = Object.entries(fns).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => [k, Math.round(v)]);
  return { metrics, self_ms: Object.fromEntries(Object.entries(self).map(([k, v]) => [k, Math.round(v)])), top_functions_ms: top };
}

const result = {};
try {
  // One render of ~1,000 cards in each page.
  const pages = (process.env.PROFILE_PAGES ?? 'widget,vanilla').split(',');
  for (const who of ['widget', 'vanilla'].filter((p) => pages.includes(p))) {
    const page = await browser.newPage({ viewport: { width: 400, height: 800 } });
    let url = null;
    if (who === 'widget') {
      page.on('request', (r) => { if (r.url().includes('/proxy/gws-1k/')) url = r.url(); });
      await page.goto(`${PROXY}/widget/?sources=gws-1k`);
      await page.waitForSelector('li[data-source="gws-1k"]');
      await page.fill('input[type=search]', 'a');
      result.render_widget = await measure('render-widget', page, async () => {
        await page.press('input[type=search]', 'Enter');
        await page.waitForSelector('li[data-source="gws-1k"].ok', { timeout: 30_000 });
        await page.waitForFunction(() => document.getElementsByClassName('card').length > 900);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      });
      result.render_widget.cards = await page.locator('.card').count();
      result.fetched = url;
    } else {
      if (!result.fetched) break; // the vanilla page fetches what the widget fetched
      const cards = result.render_widget.cards;
      await page.goto(`${PROXY}/vanilla.html?kind=gws&n=${cards}&label=GWS%20bulk&u=${encodeURIComponent(result.fetched)}`);
      result.render_vanilla = await measure('render-vanilla', page, async () => {
        await page.evaluate(() => window.benchSearch());
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      });
    }
    await page.close();
  }
  // Keystrokes on the local index (Smartflo, 10,000): 10 Enter-submitted queries.
  const page = await browser.newPage({ viewport: { width: 400, height: 800 } });
  await page.goto(`${PROXY}/widget/?sources=smartflo`);
  await page.waitForSelector('li[data-source="smartflo"]');
  for (let i = 0; i < 240; i++) {
    const t = await page.locator('li[data-source="smartflo"]').textContent();
    const busy = await page.locator('li[data-source="smartflo"]').evaluate((l) => l.classList.contains('busy'));
    if (!t.includes('indexing') && !busy) break;
    await sleep(500);
  }
  await sleep(2000); // the finished index is saved; keep that out of the keystrokes
  await page.locator('input[type=search]').click();
  // As `make bench` types them: Escape, three letters, three Backspaces, for five names.
  result.keystrokes_smartflo = await measure('keystrokes', page, async () => {
    for (const word of ['Lakshmi', 'Michael', 'Sharma', 'Olivia', 'Beatriz']) {
      await page.keyboard.press('Escape');
      await sleep(300);
      for (const key of [...word.slice(0, 3), 'Backspace', 'Backspace', 'Backspace']) {
        await page.keyboard.press(key);
        await sleep(300);
      }
    }
  });
} finally {
  await browser.close();
}
writeFileSync(`${OUT}profile.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
