// Runs every compiled test file (unit *.spec, integration *.int-spec, end-to-end *.e2e-spec)
// with node's test runner. Usage: node scripts/run-tests.mjs [filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['dist/apps', 'dist/libs', 'dist/test', 'dist/scripts', 'dist/bench'];
const files = [];
const walk = (dir) => {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(spec|int-spec|e2e-spec)\.js$/.test(name)) files.push(path);
  }
};
roots.forEach(walk);
const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=120000', ...selected.sort()],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
