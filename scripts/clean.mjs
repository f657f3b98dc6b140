// Removes what `npm run build` regenerates — dist/src and dist/test (tsc) and dist/browser (the
// bundle) — so no stale compiled file survives a rename. The built playground (dist/playground)
// and the test screenshots (dist/test-artifacts) are left alone: a build must not delete them.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILD_OUTPUTS = ['dist/src', 'dist/test', 'dist/browser'];

export function clean(root) {
  for (const d of BUILD_OUTPUTS) rmSync(join(root, d), { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) clean(resolve(fileURLToPath(import.meta.url), '..', '..'));
