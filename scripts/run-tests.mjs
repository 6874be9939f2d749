#!/usr/bin/env node
// `npm test`: type checks, unit tests (vitest), end-to-end tests (Playwright, Chromium + Electron where present), then the
// fault suite's short mode (scripts/faults.mjs --ci).
// Ends with one summary line, "tests: N passed, N failed, N skipped", and a non-zero exit if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, 'test-results');
const bin = (name) => join(root, 'node_modules', '.bin', name);
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

function step(title, command, args, env = {}) {
  process.stdout.write(`\n=== ${title} ===\n`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
}

const tally = { passed: 0, failed: 0, skipped: 0 };
let ok = step('Type check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
ok = step('Type check (renderer)', bin('svelte-check'), ['--tsconfig', './tsconfig.web.json', '--fail-on-warnings']) && ok;

const vitestJson = join(results, 'vitest.json');
ok = step('Unit tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]) && ok;
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  tally.passed += report.numPassedTests;
  tally.failed += report.numFailedTests;
  tally.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
} else tally.failed++;

ok = step('Build', process.execPath, [join(root, 'scripts', 'ensure-built.mjs')]) && ok;
const playwrightJson = join(results, 'playwright.json');
ok =
  step('End-to-end tests', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }) && ok;
if (existsSync(playwrightJson)) {
  const { stats } = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  tally.passed += stats.expected + stats.flaky;
  tally.failed += stats.unexpected;
  tally.skipped += stats.skipped;
} else tally.failed++;

// The fault suite's short mode: kills, hostile input, bad files, an unwritable data folder, a full disk (see README).
const faults = spawnSync(process.execPath, [join(root, 'scripts', 'faults.mjs'), '--ci'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
process.stdout.write(`\n=== Fault suite (CI mode) ===\n${faults.stdout}`);
const faultTotal = /\| \*\*total\*\* \| (\d+) \| (\d+) \| (\d+) \|/.exec(faults.stdout ?? '');
if (faultTotal) {
  tally.passed += Number(faultTotal[2]);
  tally.failed += Number(faultTotal[3]);
} else tally.failed++;
ok = faults.status === 0 && ok;

if (!ok && tally.failed === 0) tally.failed = 1; // a type check or build failure counts as a failure
process.stdout.write(`\ntests: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped\n`);
process.exit(ok && tally.failed === 0 ? 0 : 1);
