import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REQUIRED_FILES, checkPackaging } from './package-config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A scratch project with the real configuration, package.json, icon and stand-ins for the built files. */
function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-package-'));
  for (const file of ['package.json', 'electron-builder.yml', 'resources/icons/icon.png', ...REQUIRED_FILES.filter((f) => f.startsWith('resources/'))]) {
    cpSync(join(root, file), join(dir, file), { recursive: true });
  }
  for (const file of REQUIRED_FILES.filter((f) => f.startsWith('out/'))) {
    cpSync(join(root, 'package.json'), join(dir, file));
  }
  // electron-builder is resolved from the scratch folder's package.json: link the real node_modules.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('installer configuration', () => {
  it('passes electron-builder’s own validation with the icon and built files present', async () => {
    const dir = scratchProject();
    const { problems, config } = await checkPackaging(dir);
    expect(problems).toEqual([]);
    expect(config?.appId).toBe('app.compose-studio.desktop');
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('reports an unknown option, a missing icon and an unbuilt app', async () => {
    const dir = scratchProject();
    writeFileSync(join(dir, 'electron-builder.yml'), `${readFileSync(join(dir, 'electron-builder.yml'), 'utf8')}\nnotAnOption: true\n`);
    rmSync(join(dir, 'resources', 'icons', 'icon.png'));
    rmSync(join(dir, 'out'), { recursive: true });
    const { problems } = await checkPackaging(dir);
    expect(problems.join('\n')).toMatch(/notAnOption/);
    expect(problems.join('\n')).toMatch(/icon\.png is missing/);
    expect(problems.join('\n')).toMatch(/out\/main\/app\.js is missing/);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
