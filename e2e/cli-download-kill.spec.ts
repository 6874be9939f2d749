import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';
import { startModelMirror } from '../models/model-mirror';
import { pinToFixtures, xenovaClipLayout } from '../models/repo-layouts';

// The mirror runs in this process: the CLI must be awaited, never run with spawnSync (that would block the mirror).
const runCli = promisify(execFile);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Files under `dir` with their sizes; a file renamed between listing and stat (a .part finishing) is skipped. */
function filesUnder(dir: string): { path: string; size: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((name) => {
    const info = statSync(join(dir, name), { throwIfNoEntry: false });
    return info?.isFile() ? [{ path: join(dir, name), size: info.size }] : [];
  });
}

/**
 * The fault suite's missing family: SIGKILL of `models download` mid-transfer. After each kill, every file under its final
 * name is whole (byte-identical to the repository's), and the next run resumes the partial file and finishes verified.
 */
test('a model download killed mid-transfer loses nothing and resumes to a verified install', async () => {
  test.setTimeout(180_000);
  const scratch = await mkdtemp(join(tmpdir(), 'studio-download-kill-'));
  const repo = join(scratch, 'repo');
  await xenovaClipLayout(fixturePaths().sceneClip, repo);
  const manifest = JSON.parse(await readFile(join(process.cwd(), 'models', 'manifest.json'), 'utf8'));
  const b32 = manifest.models.find((m: { id: string }) => m.id === 'clip-vit-b32').download;
  const pinned = join(scratch, 'manifest.json');
  await writeFile(pinned, JSON.stringify(await pinToFixtures(manifest, { 'clip-vit-b32': repo })));
  const mirror = await startModelMirror([{ repo: b32.repo, revision: b32.revision, folder: repo }], { chunkDelayMs: 20 });
  const models = join(scratch, 'models');
  const env = { ...process.env, STUDIO_MODEL_MIRROR: mirror.url, STUDIO_MODEL_MANIFEST: pinned };
  const args = ['out/main/cli.js', 'models', 'download', 'clip-vit-b32', '--data-dir', join(scratch, 'data'), '--models-dir', models];
  const repoHash = (path: string) => sha256(join(repo, relative(join(models, 'clip-vit-b32'), path)));
  const partBytes = () => filesUnder(models).filter((f) => f.path.endsWith('.part')).reduce((sum, f) => sum + f.size, 0);

  let child: ReturnType<typeof spawn> | undefined;
  try {
    let killsMidFile = 0;
    for (let round = 0; round < 4; round++) {
      const run = spawn(process.execPath, args, { env, stdio: 'ignore' });
      child = run;
      const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
      // Kill once this run has written a little more to a partial file (a point that moves with each round).
      const threshold = partBytes() + 64 * 1024 * (round + 1);
      const deadline = Date.now() + 60_000;
      let killed = false;
      while (Date.now() < deadline && run.exitCode === null) {
        if (partBytes() > threshold) {
          run.kill('SIGKILL');
          killed = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (!killed && run.exitCode === null) run.kill('SIGKILL');
      await exited;
      if (killed) killsMidFile++;
      // Nothing under a final name is half-written: each is the repository's file, byte for byte.
      for (const { path: file } of filesUnder(join(models, 'clip-vit-b32'))) {
        if (file.endsWith('.part') || basename(file).startsWith('.studio-')) continue;
        expect(sha256(file), `${relative(models, file)} after kill ${round}`).toBe(repoHash(file));
      }
    }
    expect(killsMidFile).toBeGreaterThan(0);

    await runCli(process.execPath, args, { env }); // rejects on a non-zero exit
    const resumed = mirror.requests.filter((r) => r.includes('bytes='));
    expect(resumed.length, 'a later run asked for the rest of a partial file').toBeGreaterThan(0);
    expect(filesUnder(models).filter((f) => f.path.endsWith('.part'))).toEqual([]);
    const listed = await runCli(process.execPath, ['out/main/cli.js', 'models', 'list', '--json', '--data-dir', join(scratch, 'data'), '--models-dir', models], { env });
    expect(JSON.parse(listed.stdout).find((m: { id: string }) => m.id === 'clip-vit-b32')).toMatchObject({ installed: true });
  } finally {
    // A download still running would keep the mirror's connection (and so its close) open.
    child?.kill('SIGKILL');
    await mirror.close();
    await rm(scratch, { recursive: true, force: true });
  }
});
