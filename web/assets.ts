import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** Everything the pages load, read once at start from the installed packages: no CDN, works offline. */
const SOURCES: Record<string, { file: string; type: string }> = {
  'design-tokens.css': {
    file: require.resolve('@utrecht/design-tokens/dist/index.css'),
    type: 'text/css; charset=utf-8',
  },
  'utrecht.css': {
    file: join(dirname(require.resolve('@utrecht/component-library-css/package.json')), 'dist/index.css'),
    type: 'text/css; charset=utf-8',
  },
  'htmx.min.js': {
    file: join(dirname(require.resolve('htmx.org/package.json')), 'dist/htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'site.css': { file: join(here, 'assets/site.css'), type: 'text/css; charset=utf-8' },
  'live.js': { file: join(here, 'assets/live.js'), type: 'text/javascript; charset=utf-8' },
};

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, { file, type }] of Object.entries(SOURCES)) {
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, type, etag });
  }
  return assets;
}

/** Asset URLs carry their hash, so a browser may keep them a year and still never run a stale one. */
export const assetUrl = (assets: Map<string, Asset>, name: string): string =>
  `/assets/${name}?v=${assets.get(name)!.etag.slice(1, 9)}`;
