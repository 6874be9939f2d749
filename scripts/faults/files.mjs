// Files that are not photos (FIFOs, /dev/zero links), unreadable files, decompression bombs, truncated and corrupt
// files; a data folder the studio cannot write; a full disk.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { bombPng } from '../../models/bomb-png.mjs';
import { HAS_SETPRIV, IS_ROOT, checkData, cli, connect, prepareModels, restartAndCheck, scratch, startServer, worldPhotos } from './harness.mjs';

function chownTree(path, uid) {
  chownSync(path, uid, uid);
  let entries = [];
  try {
    entries = readdirSync(path);
  } catch {
    return;
  }
  for (const name of entries) chownTree(join(path, name), uid);
}

export async function fileFamilies(tally, { log }) {
  const dir = scratch('files');
  const env = { STUDIO_MODELS_DIR: prepareModels(join(dir, 'models')) };
  const photos = join(dir, 'photos');
  const dataDir = join(dir, 'data');
  mkdirSync(photos);
  chmodSync(photos, 0o755);
  const world = worldPhotos();
  for (const file of world.slice(0, 4)) copyFileSync(file, join(photos, file.split('/').pop()));
  execFileSync('mkfifo', [join(photos, '.fifo')]);
  symlinkSync(join(photos, '.fifo'), join(photos, 'pipe.jpg'));
  symlinkSync('/dev/zero', join(photos, 'zero.png'));
  writeFileSync(join(photos, 'bomb.png'), bombPng());
  writeFileSync(join(photos, 'truncated.png'), readFileSync(world[5]).subarray(0, 300));
  writeFileSync(join(photos, 'corrupt.jpg'), Buffer.from('\xff\xd8\xff\xe0 not a jpeg'));
  writeFileSync(join(photos, 'unreadable.png'), readFileSync(world[6]));
  chmodSync(join(photos, 'unreadable.png'), 0o000);
  // Unreadable only means something to an unprivileged user: as root, index as nobody (who owns the data folder).
  const asNobody = IS_ROOT && HAS_SETPRIV;
  const unreadableTested = !IS_ROOT || asNobody;
  if (asNobody) {
    mkdirSync(dataDir, { mode: 0o700 });
    chownSync(dataDir, 65534, 65534);
    chownTree(join(dir, 'models'), 65534);
  }
  const index = await cli(['index', photos, '--json'], { dataDir, env, asNobody, timeoutMs: 120_000 });
  const status = JSON.parse((await cli(['status', '--json'], { dataDir, env, asNobody })).stdout || '{}');
  const reason = (name) => status.failed?.find((f) => f.path.endsWith(name));
  const problem = (name) => JSON.parse(index.stdout || '{"problems":[]}').problems?.find((p) => p.path.endsWith(name));
  const expectations = [
    ['FIFO named like a photo', () => problem('pipe.jpg')?.message.match(/not a regular file/i)],
    ['link to /dev/zero', () => problem('zero.png')?.message.match(/not a regular file/i)],
    ['decompression bomb', () => reason('bomb.png')?.reason.match(/too large to decode safely/)],
    ['truncated PNG', () => reason('truncated.png')?.reason.match(/damaged or truncated/)],
    ['corrupt JPEG', () => reason('corrupt.jpg')],
  ];
  if (unreadableTested) expectations.push(['unreadable photo: permission denied, will retry', () => reason('unreadable.png')?.reason.match(/Permission denied.*Will retry/) && reason('unreadable.png').willRetry]);
  else tally.skip('bad files', 'unreadable file not tried: running as root without setpriv');
  for (const [what, holds] of expectations) {
    const problems = index.timedOut ? ['indexing hung'] : index.code !== 0 ? [`index exited ${index.code}`] : holds() ? [] : [`not reported as expected (${JSON.stringify(reason(what) ?? status.failed?.map((f) => f.reason)).slice(0, 160)})`];
    tally.record('bad files', problems, what);
  }
  tally.record('bad files', status.indexed === 4 ? [] : [`${status.indexed} good photos indexed, expected 4`], 'the good photos are indexed anyway');
  if (unreadableTested) {
    chmodSync(join(photos, 'unreadable.png'), 0o644);
    await cli(['index'], { dataDir, env, asNobody });
    const after = JSON.parse((await cli(['status', '--json'], { dataDir, env, asNobody })).stdout);
    tally.record('bad files', after.indexed === 5 && !after.failed.some((f) => f.path.endsWith('unreadable.png')) ? [] : ['not retried once readable'], 'an unreadable photo is retried once readable');
  }
  for (const name of ['pipe.jpg', 'zero.png']) {
    const search = await cli(['search', '--image', join(photos, name)], { dataDir, env, asNobody, timeoutMs: 30_000 });
    tally.record('bad files', search.timedOut ? ['search hung'] : /BAD_IMAGE/.test(search.stderr) ? [] : [search.stderr.trim().slice(0, 120)], `search --image ${name}`);
  }
  if (asNobody) chownTree(dataDir, 0);
  // The server over the same folder: its refresh ends, and SIGTERM is not held up by the FIFO or /dev/zero.
  const server = await startServer({ dataDir, env, args: ['--allow-roots', dir] });
  const client = await connect(server);
  const refreshed = await settle(client, await client.call('library.refresh'));
  client.close();
  const exit = await Promise.race([server.stop(), new Promise((resolve) => setTimeout(() => resolve('stuck'), 15_000))]);
  if (exit === 'stuck') await server.kill();
  tally.record('bad files', refreshed.state === 'done' && exit !== 'stuck' ? [] : [`refresh ${refreshed.state}, shutdown ${exit === 'stuck' ? 'stuck' : 'ok'}`], 'serve: refresh over the FIFO folder ends, SIGTERM exits');
  tally.record('bad files', await restartAndCheck(dataDir, env), 'restart, verify, integrity');

  await readOnlyFamily(tally, { dir, dataDir, env, log });
  await fullDiskFamily(tally, { dir, env, world, log });
}

async function readOnlyFamily(tally, { dataDir, env }) {
  if (IS_ROOT && !HAS_SETPRIV) return tally.skip('read-only data folder', 'running as root without setpriv: root writes anywhere');
  if (IS_ROOT) chownTree(dataDir, 65534);
  execFileSync('chmod', ['-R', 'a-w', dataDir]);
  const asNobody = IS_ROOT;
  try {
    for (const command of [['status'], ['info'], ['search', 'red circle']]) {
      const run = await cli(command, { dataDir, env, asNobody });
      const problems = run.code !== 0 ? [`exit ${run.code}: ${run.stderr.trim().slice(0, 120)}`] : /opened read-only/.test(run.stderr) ? [] : ['no read-only note'];
      tally.record('read-only data folder', problems, `cli ${command[0]} answers read-only`);
    }
    const index = await cli(['index'], { dataDir, env, asNobody });
    tally.record('read-only data folder', index.code === 1 && index.stderr.includes(`data folder ${dataDir} cannot be written`) && !/SqliteError|\n\s+at /.test(index.stderr) ? [] : [index.stderr.slice(0, 160)], 'cli index refuses, naming the folder');
    let served = null;
    try {
      const server = await startServer({ dataDir, env, asNobody });
      await server.stop();
      served = 'started';
    } catch (error) {
      served = error.stderr ?? error.message;
    }
    tally.record('read-only data folder', String(served).includes(`data folder ${dataDir} cannot be written`) && !/\n\s+at /.test(served) ? [] : [String(served).slice(0, 160)], 'serve refuses, naming the folder');
  } finally {
    execFileSync('chmod', ['-R', 'u+w', dataDir]);
    if (IS_ROOT) chownTree(dataDir, 0);
  }
  tally.record('read-only data folder', checkData(dataDir), 'nothing changed or damaged');
}

/** Waits for a job (answered by a call that started it) to finish. */
async function settle(client, started) {
  if (!started.ok) return { state: 'failed', error: started.error };
  for (;;) {
    const jobs = await client.call('jobs.list');
    const job = jobs.ok ? jobs.result.find((j) => j.id === started.result.id) : null;
    if (!job || ['done', 'failed', 'cancelled'].includes(job.state)) return job ?? { state: 'gone' };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function fullDiskFamily(tally, { dir, env, world }) {
  const mount = join(dir, 'small-disk');
  mkdirSync(mount);
  const mounted = IS_ROOT && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mount]).status === 0;
  if (!mounted) return tally.skip('full disk', IS_ROOT ? 'mount -t tmpfs is not permitted here' : 'a small tmpfs can only be mounted as root');
  try {
    const dataDir = join(mount, 'data');
    const photos = join(dir, 'disk-photos');
    mkdirSync(photos);
    for (const [i, file] of world.entries()) copyFileSync(file, join(photos, `p${i}.png`));
    const first = await cli(['index', photos], { dataDir, env, timeoutMs: 120_000 });
    tally.record('full disk', first.code === 0 ? [] : [`index on a small disk: ${first.stderr.trim().split('\n').pop()}`], 'indexing on a small disk');
    // New pictures (new thumbnails and rows), then no space left at all.
    for (let i = 0; i < 40; i++) {
      await sharp({ create: { width: 96 + i, height: 80, channels: 3, background: { r: (i * 53) % 256, g: (i * 97) % 256, b: (i * 29) % 256 } } })
        .png()
        .toFile(join(photos, `new-${i}.png`));
    }
    spawnSync('dd', ['if=/dev/zero', `of=${join(mount, 'filler')}`, 'bs=4k']);
    const full = await cli(['index'], { dataDir, env, timeoutMs: 120_000 });
    const outcome = full.code === 0 ? 'finished, photos kept as “will retry”' : full.stderr.trim().split('\n').pop().slice(0, 140);
    const clean = full.timedOut ? ['indexing hung'] : /\n\s+at |SqliteError/.test(full.stderr) ? [`crashed: ${full.stderr.slice(0, 160)}`] : [];
    tally.record('full disk', clean, `indexing on a full disk ends cleanly (${outcome})`);
    // The disk fills while the server is running: thumbnails and rows cannot be written, the host keeps answering.
    rmSync(join(mount, 'filler'));
    const server = await startServer({ dataDir, env, args: ['--allow-roots', dir] });
    const client = await connect(server);
    spawnSync('dd', ['if=/dev/zero', `of=${join(mount, 'filler')}`, 'bs=4k']);
    for (let i = 40; i < 60; i++) {
      await sharp({ create: { width: 96 + i, height: 80, channels: 3, background: { r: (i * 53) % 256, g: (i * 97) % 256, b: (i * 29) % 256 } } })
        .png()
        .toFile(join(photos, `new-${i}.png`));
    }
    const during = await settle(client, await client.call('library.refresh'));
    const info = await client.call('app.info');
    const midStatus = await client.call('library.status');
    const retrying = midStatus.ok ? midStatus.result.failed.filter((f) => f.willRetry).length : 0;
    const permanent = midStatus.ok ? midStatus.result.failed.filter((f) => !f.willRetry).length : 0;
    tally.record(
      'full disk',
      !info.ok ? ['the host stopped answering'] : permanent ? [`${permanent} photos failed for good on a full disk`] : during.state === 'failed' && !/disk is full|space/i.test(during.error?.message ?? '') ? [`refresh failed: ${during.error?.message}`] : [],
      `disk full while the server indexes (${during.state}${during.error ? `: ${during.error.message.slice(0, 80)}` : ''}; ${retrying} photos “will retry”)`,
    );
    rmSync(join(mount, 'filler'));
    await settle(client, await client.call('library.refresh'));
    client.close();
    await server.stop();
    const again = await cli(['index'], { dataDir, env, timeoutMs: 120_000 });
    const status = JSON.parse((await cli(['status', '--json'], { dataDir, env })).stdout || '{}');
    const total = world.length + 60;
    tally.record('full disk', again.code === 0 && status.indexed === total && status.failed?.length === 0 ? [] : [`after space came back: ${status.indexed}/${total} indexed, ${status.failed?.length} failed (${status.failed?.[0]?.reason ?? again.stderr.slice(0, 100)})`], 'space back: everything retried and indexed');
    tally.record('full disk', await restartAndCheck(dataDir, env), 'restart, verify, integrity');
  } finally {
    spawnSync('umount', [mount]);
  }
}
