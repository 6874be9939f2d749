import { mkdir, mkdtemp, opendir, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanFolder } from './scanner';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'studio-scan-'));
  await mkdir(join(root, 'trips', 'rome'), { recursive: true });
  await writeFile(join(root, 'a.jpg'), 'x');
  await writeFile(join(root, 'B.PNG'), 'x');
  await writeFile(join(root, 'notes.txt'), 'x');
  await writeFile(join(root, '.hidden.jpg'), 'x');
  await writeFile(join(root, 'trips', 'rome', 'c.webp'), 'x');
  await writeFile(join(root, 'trips', 'raw.cr2'), 'x');
  await symlink(root, join(root, 'trips', 'loop'));
  await symlink(join(root, 'missing.jpg'), join(root, 'dangling.jpg'));
  await mkdir(join(root, 'locked'));
  await writeFile(join(root, 'locked', 'secret.jpg'), 'x');
});

describe('scanFolder', () => {
  it('finds images recursively, lists unsupported ones with a reason, and skips the rest', async () => {
    const { files } = await scanFolder(root);
    const names = files.map((f) => f.path.slice(root.length + 1)).sort();
    expect(names).toEqual(['B.PNG', 'a.jpg', 'locked/secret.jpg', 'trips/raw.cr2', 'trips/rome/c.webp'].sort());
    expect(files.find((f) => f.path.endsWith('B.PNG'))!.format).toBe('png');
    expect(files.find((f) => f.path.endsWith('raw.cr2'))!.unsupported).toMatch(/Camera RAW/);
  });

  it('survives a symlink loop and a dangling link', async () => {
    const { files } = await scanFolder(root);
    expect(files.filter((f) => f.path.endsWith('a.jpg'))).toHaveLength(1);
  });

  it('reports an unreadable folder and goes on', async () => {
    // Permissions cannot be taken from root (CI runs as root), so the file system answers EACCES for one folder.
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const fs = {
      realpath,
      stat,
      opendir: (async (path: string) => {
        if (path.endsWith('locked')) throw denied;
        return opendir(path);
      }) as typeof opendir,
    };
    const { files, problems } = await scanFolder(root, undefined, fs);
    expect(problems).toEqual([{ path: join(root, 'locked'), message: expect.stringMatching(/Permission denied/) }]);
    expect(files.some((f) => f.path.endsWith('secret.jpg'))).toBe(false);
    expect(files.some((f) => f.path.endsWith('c.webp'))).toBe(true);
  });

  it('reports a root that does not exist', async () => {
    const { problems } = await scanFolder(join(root, 'nope'));
    expect(problems[0]!.message).toMatch(/no longer exists/);
  });
});
