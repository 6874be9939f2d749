// The fault suite's tools: the built CLI and server as child processes, a WebSocket client, and the checks run after
// every fault (database integrity and foreign keys, settings, the turn tree, no temp files left).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import WebSocket from 'ws';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const IS_ROOT = process.getuid?.() === 0;
export const HAS_SETPRIV = spawnSync('setpriv', ['--version']).status === 0;
/** How to run a command as an unprivileged user when this runs as root (root ignores file permissions). */
export const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

export const FIXTURES = {
  clip: join(ROOT, 'models', 'fixtures', 'clip-scene'),
  world: join(ROOT, 'models', 'fixtures', 'scene-world'),
  sd: { 'sd15-instruct-pix2pix': 'sd-tiny-instruct', 'sd15-inpaint': 'sd-tiny-inpaint', 'sd15-text2img': 'sd-tiny-text2img' },
};

/** Scratch folders made by this run: removed at the end when everything held, kept for a look otherwise. */
export const SCRATCH = [];

/** A scratch folder any user can enter (tests run some commands as nobody). */
export function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `studio-faults-${prefix}-`));
  chmodSync(dir, 0o755);
  SCRATCH.push(dir);
  return dir;
}

/** A models folder with the scene CLIP and the tiny Stable Diffusion parts under the manifest's ids. */
export function prepareModels(dir) {
  cpSync(FIXTURES.clip, join(dir, 'clip-vit-b32'), { recursive: true });
  for (const [id, folder] of Object.entries(FIXTURES.sd)) cpSync(join(ROOT, 'models', 'fixtures', folder), join(dir, id), { recursive: true });
  return dir;
}

export function worldPhotos() {
  return readdirSync(FIXTURES.world).filter((f) => f.endsWith('.png')).map((f) => join(FIXTURES.world, f));
}

/** Runs the CLI to the end (or the timeout: a hang is a failure, not a wait). */
export function cli(args, { dataDir, env = {}, timeoutMs = 90_000, asNobody = false } = {}) {
  const argv = ['out/main/cli.js', ...args, ...(dataDir ? ['--data-dir', dataDir] : [])];
  const [command, ...prefix] = asNobody && IS_ROOT ? [...AS_NOBODY, process.execPath] : [process.execPath];
  return new Promise((resolve) => {
    const child = spawn(command, [...prefix, ...argv], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut: signal === 'SIGKILL' });
    });
  });
}

/**
 * Starts a CLI command and SIGKILLs it once its progress (done/total on stderr) reaches `fraction` — 1 means right after
 * the last step, while results are being saved. Resolves with whether it was still running then, and where it was.
 */
export function killCliAt(args, fraction, { dataDir, env = {} } = {}) {
  const child = spawn(process.execPath, ['out/main/cli.js', ...args, '--data-dir', dataDir], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let last = '';
  let killed = false;
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (killed) return; // lines still buffered after the kill
    last = line;
    const progress = / (\d+)\/(\d+) /.exec(line);
    if (!killed && progress && Number(progress[1]) >= fraction * Number(progress[2])) killed = child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: killed && signal === 'SIGKILL', code, at: last.slice(0, 100) });
    });
  });
}

/** The built server on a free port; resolves once it printed its URL. */
export function startServer({ dataDir, env = {}, args = [], asNobody = false } = {}) {
  const argv = ['out/main/serve.js', '--port', '0', '--json', ...args, ...(dataDir ? ['--data-dir', dataDir] : [])];
  const [command, ...prefix] = asNobody && IS_ROOT ? [...AS_NOBODY, process.execPath] : [process.execPath];
  const child = spawn(command, [...prefix, ...argv], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s: ${stderr}`)), 30_000);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}: ${stderr.trim()}`), { code, stderr }));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const ready = JSON.parse(line);
      resolve({
        ...ready,
        child,
        stderr: () => stderr,
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
        kill: async () => {
          child.kill('SIGKILL');
          return exited;
        },
      });
    });
  });
}

/** A WebSocket client speaking the studio's frames; `raw` sends any text or bytes and returns the next response. */
export async function connect(server, headers = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { headers });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waiting = [];
  const byId = new Map();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if ('topic' in frame) return;
    if (frame.id !== null && byId.has(frame.id)) {
      byId.get(frame.id)(frame);
      byId.delete(frame.id);
    } else waiting.shift()?.(frame);
  });
  let next = 1;
  // A connection that drops (the server was killed) answers every pending call, so nothing waits for ever.
  const closed = new Promise((resolve) =>
    ws.once('close', () => {
      const gone = { id: null, ok: false, error: { code: 'CLOSED', message: 'connection closed' } };
      for (const answer of byId.values()) answer(gone);
      byId.clear();
      for (const answer of waiting.splice(0)) answer(gone);
      resolve();
    }),
  );
  ws.on('error', () => undefined);
  return {
    ws,
    closed,
    call(method, params = {}) {
      const id = `c${next++}`;
      return new Promise((resolve) => {
        if (ws.readyState !== WebSocket.OPEN) return resolve({ id, ok: false, error: { code: 'CLOSED', message: 'connection closed' } });
        byId.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    /** For frames without a usable id: the next response that is not an answer to call(). */
    raw(payload, binary = false) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        ws.send(payload, { binary });
      });
    },
    close: () => ws.close(),
  };
}

function tempFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((f) => /\.\d+(\.[0-9a-z]+)?\.tmp$/.test(String(f)));
}

function checkDb(file, problems) {
  if (!existsSync(file)) return null;
  const db = new Database(file);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`${file}: integrity_check ${integrity}`);
    const fk = db.pragma('foreign_key_check');
    if (fk.length) problems.push(`${file}: ${fk.length} foreign key violations`);
    return db;
  } catch (error) {
    problems.push(`${file}: ${error.message}`);
    db.close();
    return null;
  }
}

/** What must hold in a data folder after any fault (run after a restart, which sweeps temp files). */
export function checkData(dataDir) {
  const problems = [];
  const library = checkDb(join(dataDir, 'library', 'library.db'), problems);
  library?.close();
  const edit = checkDb(join(dataDir, 'edit', 'edit.db'), problems);
  if (edit) {
    const turns = edit.prepare('SELECT id, project_id, parent_id, image_file FROM turns').all();
    const byId = new Map(turns.map((t) => [t.id, t]));
    for (const t of turns) {
      if (t.parent_id !== null && byId.get(t.parent_id)?.project_id !== t.project_id) problems.push(`turn ${t.id}: parent ${t.parent_id} missing or in another project`);
      if (!existsSync(join(dataDir, 'edit', 'projects', String(t.project_id), t.image_file))) problems.push(`turn ${t.id}: picture ${t.image_file} missing`);
    }
    for (const p of edit.prepare('SELECT id, cursor_turn_id FROM projects').all()) {
      if (p.cursor_turn_id !== null && byId.get(p.cursor_turn_id)?.project_id !== p.id) problems.push(`project ${p.id}: cursor on a turn it does not have`);
    }
    edit.close();
  }
  const settings = join(dataDir, 'settings.json');
  if (existsSync(settings)) {
    try {
      const parsed = JSON.parse(readFileSync(settings, 'utf8'));
      if (!['f32', 'f16', 'i8'].includes(parsed.vectorPrecision)) problems.push(`settings.json: vectorPrecision ${parsed.vectorPrecision}`);
    } catch (error) {
      problems.push(`settings.json does not parse: ${error.message}`);
    }
  }
  if (readdirSync(dataDir).some((f) => f.startsWith('settings.json.damaged-'))) problems.push('settings.json was set aside as damaged');
  const temps = tempFiles(dataDir);
  if (temps.length) problems.push(`temp files left: ${temps.slice(0, 3).join(', ')}`);
  return problems;
}

/** Restart (the CLI's verify: opens everything, sweeps temp files, checks the vector index) and check the data. */
export async function restartAndCheck(dataDir, env = {}) {
  const verify = await cli(['verify'], { dataDir, env });
  const problems = verify.code === 0 ? [] : [`verify exited ${verify.code}: ${verify.stderr.trim().split('\n').pop()}`];
  return [...problems, ...checkData(dataDir)];
}

/** The host answers after a fault: it starts on the data folder and serves info and status. */
export async function hostAnswers(dataDir, env = {}) {
  let server;
  try {
    server = await startServer({ dataDir, env, args: ['--allow-roots', tmpdir()] });
    const client = await connect(server);
    const info = await client.call('app.info');
    const status = await client.call('library.status');
    client.close();
    return info.ok && status.ok ? [] : [`host answered ${JSON.stringify(info.ok ? status : info).slice(0, 200)}`];
  } catch (error) {
    return [`host did not answer: ${error.message.slice(0, 200)}`];
  } finally {
    await server?.stop();
  }
}

/** Rows of the results table: per family, how many faults were tried, held and failed (with the reasons). */
export class Tally {
  rows = new Map();

  row(family) {
    if (!this.rows.has(family)) this.rows.set(family, { tried: 0, held: 0, failed: 0, problems: [], skipped: null });
    return this.rows.get(family);
  }

  record(family, problems, what = '') {
    const row = this.row(family);
    row.tried++;
    if (process.env.FAULTS_VERBOSE) process.stderr.write(`  ${problems.length ? 'FAILED' : 'held  '} ${family}: ${what}${problems.length ? ` — ${problems.join('; ')}` : ''}\n`);
    if (problems.length === 0) row.held++;
    else {
      row.failed++;
      row.problems.push(`${what}: ${problems.join('; ')}`);
    }
    return problems.length === 0;
  }

  skip(family, reason) {
    this.row(family).skipped = reason;
  }

  get failed() {
    return [...this.rows.values()].reduce((n, r) => n + r.failed, 0);
  }

  table() {
    const lines = ['| family | tried | held | failed |', '|---|---:|---:|---:|'];
    for (const [family, r] of this.rows) lines.push(`| ${family}${r.skipped ? ` (skipped: ${r.skipped})` : ''} | ${r.tried} | ${r.held} | ${r.failed} |`);
    const total = [...this.rows.values()].reduce((t, r) => ({ tried: t.tried + r.tried, held: t.held + r.held, failed: t.failed + r.failed }), { tried: 0, held: 0, failed: 0 });
    lines.push(`| **total** | ${total.tried} | ${total.held} | ${total.failed} |`);
    return lines.join('\n');
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Deterministic per run seed, so a failing run can be repeated (FAULTS_SEED). */
export function random(seed) {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
