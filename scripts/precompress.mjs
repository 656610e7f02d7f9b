// Writes a brotli (.br) and a gzip (.gz) copy beside every text file of a build (issue 19 item 14):
// `node scripts/precompress.mjs <dir>`. The server sends them to browsers that accept them
// (@fastify/static's preCompressed), so the best compression costs nothing per request.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/precompress.mjs <dir>');
  process.exit(2);
}

const TEXT = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;

for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !TEXT.test(entry.name)) continue;
  const path = join(entry.parentPath, entry.name);
  const content = await readFile(path);
  const brotli = brotliCompressSync(content, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
  });
  const gzip = gzipSync(content, { level: 9 });
  // A copy no smaller than the file is left out: the file itself is then sent.
  if (brotli.length < content.length) await writeFile(`${path}.br`, brotli);
  if (gzip.length < content.length) await writeFile(`${path}.gz`, gzip);
}
