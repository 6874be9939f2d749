import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';

/** The built CLI against bad flags, files that are not photos, a bad --out and a data folder it cannot write. */

const paths = fixturePaths();
const labels = JSON.parse(readFileSync(join(paths.world, 'labels.json'), 'utf8')) as { file: string }[];
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-cli-faults-'));
  chmodSync(dir, 0o755); // an unprivileged user (below) must be able to reach it
  return dir;
}

/** Runs the CLI; as root, `asUser` runs it as nobody (root ignores file permissions). Never waits for ever. */
function cli(args: string[], dataDir: string, asUser = false): SpawnSyncReturns<string> {
  const command = asUser && isRoot ? 'setpriv' : process.execPath;
  const argv = asUser && isRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [];
  return spawnSync(command, [...argv, 'out/main/cli.js', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, STUDIO_MODELS_DIR: join(dataDir, '..', 'no-models') } });
}

test.describe('CLI faults', () => {
  test('search --limit goes through the contract: abc, 0, -5, 999999999 are refused cleanly', () => {
    const dir = scratch();
    const photo = join(paths.world, labels[0]!.file);
    for (const limit of ['abc', '0', '-5', '999999999', '2.5']) {
      for (const how of [['--image', photo], ['a red circle']]) {
        const run = cli(['search', ...how, `--limit=${limit}`], join(dir, 'data'));
        expect(run.status, `--limit ${limit}: ${run.stderr}`).toBe(1);
        expect(run.stderr).toMatch(/error: INVALID_PARAMS: .*(limit|not a number)/s);
        expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      }
    }
    const like = cli(['search', '--like', 'abc'], join(dir, 'data'));
    expect(like.stderr).toMatch(/INVALID_PARAMS: --like “abc” is not a number/);
  });

  test('a FIFO and a link to /dev/zero: index finishes and reports them, search --image refuses them at once', () => {
    const dir = scratch();
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    for (const l of labels.slice(0, 2)) copyFileSync(join(paths.world, l.file), join(photos, l.file));
    execFileSync('mkfifo', [join(photos, '.f')]);
    symlinkSync(join(photos, '.f'), join(photos, 'pipe.jpg'));
    symlinkSync('/dev/zero', join(photos, 'zero.png'));
    const index = cli(['index', photos], join(dir, 'data'));
    expect(index.status, index.stderr).toBe(0);
    expect(index.stdout).toMatch(/Indexed 2 new/);
    expect(index.stdout).toMatch(/pipe\.jpg: Not a regular file/);
    expect(index.stdout).toMatch(/zero\.png: Not a regular file/);
    for (const file of ['pipe.jpg', 'zero.png']) {
      const search = cli(['search', '--image', join(photos, file)], join(dir, 'data'));
      expect(search.status, search.stderr).toBe(1);
      expect(search.stderr).toMatch(/BAD_IMAGE: .*(FIFO|device)/);
    }
  });

  test('edit --out naming a folder is refused before a project is created', () => {
    const dir = scratch();
    const run = cli(['edit', '--image', join(paths.world, labels[0]!.file), '--instruction', 'make it blue', '--out', dir], join(dir, 'data'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/INVALID_PARAMS: --out .* is a folder; give a file name/);
    const db = new Database(join(dir, 'data', 'edit', 'edit.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM projects').pluck().get()).toBe(0);
    db.close();
  });

  test('a data folder it cannot write: status, info and search answer read-only; index says which folder and why', () => {
    test.skip(isRoot && !hasSetpriv, 'running as root without setpriv: root ignores permissions, so a read-only folder cannot be made');
    const dir = scratch();
    const data = join(dir, 'data');
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    for (const l of labels.slice(0, 3)) copyFileSync(join(paths.world, l.file), join(photos, l.file));
    expect(cli(['index', photos], data).status).toBe(0);
    // Read-only for its owner (nobody, when this runs as root).
    const walk = (p: string) => {
      if (isRoot) chownSync(p, 65534, 65534);
      const entries = (() => {
        try {
          return readdirSync(p, { withFileTypes: true });
        } catch {
          return null;
        }
      })();
      for (const e of entries ?? []) walk(join(p, e.name));
      chmodSync(p, entries ? 0o555 : 0o444);
    };
    walk(data);
    try {
      const status = cli(['status', '--json'], data, true);
      expect(status.status, status.stderr).toBe(0);
      expect(status.stderr).toMatch(new RegExp(`the data folder ${data} cannot be written \\((permission denied|the folder is read-only)\\); opened read-only`));
      expect(JSON.parse(status.stdout)).toMatchObject({ files: 3, indexed: 3 });
      const info = cli(['info'], data, true);
      expect(info.stdout).toContain(`Read-only: the data folder ${data} cannot be written`);
      const search = cli(['search', 'red', '--json'], data, true);
      expect(search.status, search.stderr).toBe(0);
      const index = cli(['index'], data, true);
      expect(index.status).toBe(1);
      expect(index.stderr).toMatch(new RegExp(`IO_ERROR: The data folder ${data} cannot be written: (permission denied|the folder is read-only)`));
      expect(index.stderr).not.toMatch(/SqliteError|\n\s+at /);
    } finally {
      execFileSync('chmod', ['-R', 'u+w', data]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
