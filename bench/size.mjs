// Prints the size of each file raw, gzip -9 and brotli (quality 11), as served compressed.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const file of process.argv.slice(2)) {
  const raw = readFileSync(file);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`${file}: raw ${kb(raw.length)}, gzip ${kb(gzip)}, brotli ${kb(brotli)}`);
}
