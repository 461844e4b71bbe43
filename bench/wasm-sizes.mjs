// Which crates the widget's code bytes come from: reads the code and name sections of the
// pre-wasm-opt module (cargo's output keeps function names) and sums body sizes per crate.
// Usage: node bench/wasm-sizes.mjs [path.wasm]  (a diagnosis aid for BENCHMARKS.md; not timed)
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? new URL('../target/bench-build/wasm32-unknown-unknown/release/cardfile.wasm', import.meta.url).pathname;
const buf = readFileSync(path);
let pos = 8;
const leb = () => {
  let result = 0, shift = 0, byte;
  do { byte = buf[pos++]; result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return result;
};
let imported = 0;
const bodies = [];
const names = new Map();
while (pos < buf.length) {
  const id = buf[pos++];
  const size = leb();
  const end = pos + size;
  if (id === 2) { // imports: count function imports (they take the first indices)
    const n = leb();
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 2; k++) { const l = leb(); pos += l; }
      const kind = buf[pos++];
      if (kind === 0) { leb(); imported++; }
      else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 3) { pos += 2; }
      else if (kind === 4) { pos++; leb(); }
    }
  } else if (id === 10) {
    const n = leb();
    for (let i = 0; i < n; i++) { const s = leb(); bodies.push(s); pos += s; }
  } else if (id === 0) {
    const l = leb();
    const name = buf.subarray(pos, pos + l).toString();
    pos += l;
    if (name === 'name') {
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = leb();
        const subEnd = pos + subSize;
        if (sub === 1) {
          const n = leb();
          for (let i = 0; i < n; i++) { const idx = leb(); const l2 = leb(); names.set(idx, buf.subarray(pos, pos + l2).toString()); pos += l2; }
        }
        pos = subEnd;
      }
    }
  }
  pos = end;
}
const crateOf = (name) => {
  if (!name) return '(unnamed)';
  const m = name.match(/^_ZN(\d+)(.+)/);
  if (m) { let seg = m[2].slice(0, Number(m[1])); if (seg.startsWith('_$LT$')) { const inner = m[2].slice(Number(m[1])).match(/\d+([A-Za-z_][\w$]*)/); seg = '<impl> ' + seg.replace(/_\$LT\$/, '').slice(0, 40); } return seg; }
  const v0 = name.match(/^_R.*?C[s\d_]*?\d+([a-z_][a-z0-9_]*)/);
  if (v0) return v0[1];
  return name.split(/[:<]/)[0].slice(0, 40);
};
const per = new Map();
let total = 0;
bodies.forEach((size, i) => {
  const crate = crateOf(names.get(imported + i));
  per.set(crate, (per.get(crate) ?? 0) + size);
  total += size;
});
console.log(`${path}: ${bodies.length} functions, ${total} code bytes (before wasm-opt)`);
for (const [crate, size] of [...per].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${String(size).padStart(8)}  ${((100 * size) / total).toFixed(1).padStart(5)}%  ${crate}`);
}
