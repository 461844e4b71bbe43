// Writes .br and .gz next to each built asset in dist/ (or the directory given), so the
// proxy serves them precompressed (tower-http's ServeDir picks them by Accept-Encoding).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
for (const name of readdirSync(dir)) {
  if (!/\.(wasm|js|css|svg|html)$/.test(name)) continue;
  const body = readFileSync(join(dir, name));
  writeFileSync(
    join(dir, `${name}.br`),
    brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  );
  writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }));
}
