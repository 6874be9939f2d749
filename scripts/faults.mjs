#!/usr/bin/env node
// `npm run faults` (full) and `npm run faults -- --ci` (short, run by `npm test`): drives the built server and CLI
// through kills, hostile input, bad files, an unwritable data folder and a full disk, checks that nothing was lost or
// damaged after each, and prints a table: family, tried, held, failed. Exit 1 if anything failed.
// FAULTS_SEED=n repeats a run's random kill points.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileFamilies } from './faults/files.mjs';
import { ROOT, SCRATCH, Tally, random } from './faults/harness.mjs';
import { killFamilies } from './faults/kills.mjs';
import { wireFamilies } from './faults/wire.mjs';

const ci = process.argv.includes('--ci');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 1e9);
const log = (line) => process.stderr.write(`${line}\n`);

for (const [what, script] of [['build', 'ensure-built.mjs']]) {
  if (spawnSync(process.execPath, [join(ROOT, 'scripts', script)], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error(`${what} failed`);
}
if (spawnSync(process.execPath, [join(ROOT, 'out', 'main', 'fixtures.js')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('fixtures failed');

const tally = new Tally();
const started = Date.now();
log(`fault suite (${ci ? 'CI' : 'full'} mode), seed ${seed}`);
const families = {
  wire: () => wireFamilies(tally, { log }),
  files: () => fileFamilies(tally, { log }),
  kills: () => killFamilies(tally, { rounds: ci ? 5 : 15, rand: random(seed), log }),
};
for (const [name, run] of Object.entries(families)) {
  if (only && only !== name) continue;
  const t = Date.now();
  try {
    await run();
  } catch (error) {
    tally.record(`${name} (crashed)`, [String(error?.stack ?? error).slice(0, 400)], 'family');
  }
  log(`${name}: ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

const table = tally.table();
process.stdout.write(`\n${table}\n\n`);
for (const [family, row] of tally.rows) for (const problem of row.problems) process.stdout.write(`FAILED ${family} — ${problem}\n`);
process.stdout.write(`faults: ${tally.failed} failed, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
mkdirSync(join(ROOT, 'test-results'), { recursive: true });
writeFileSync(join(ROOT, 'test-results', `faults${ci ? '-ci' : ''}.md`), `${table}\n`);
if (tally.failed === 0) for (const dir of SCRATCH) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`kept for inspection: ${SCRATCH.join(' ')}\n`);
process.exit(tally.failed === 0 ? 0 : 1);
