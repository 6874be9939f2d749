import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';
import { xenovaClipLayout } from '../models/repo-layouts';

/** `models list --json` and `models check --json` as CI runs them: on the fixtures laid out under the real models' ids. */
test.describe('command line: models', () => {
  test('list says per file whether its hash is pinned or host-verified; check passes the fixtures and fails a broken one', async () => {
    test.setTimeout(120_000);
    const scratch = await mkdtemp(join(tmpdir(), 'studio-cli-models-'));
    const paths = fixturePaths();
    const models = join(scratch, 'models');
    await xenovaClipLayout(paths.sceneClip, join(models, 'clip-vit-b32'));
    await cp(paths.sd.instruct, join(models, 'sd15-instruct-pix2pix'), { recursive: true });
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['out/main/cli.js', ...args, '--json', '--data-dir', join(scratch, 'data'), '--models-dir', models], { encoding: 'utf8' });

    const listed = run('models', 'list');
    expect(listed.status, listed.stderr).toBe(0);
    const b32 = JSON.parse(listed.stdout).find((m: { id: string }) => m.id === 'clip-vit-b32');
    expect(b32).toMatchObject({ installed: true, variant: 'int8', pinnedTo: { revision: '4c1807b705b1d015fb032789cc4d221b23025a6f' }, verification: 'none' });
    const hashOf = (path: string) => b32.files.find((f: { path: string }) => f.path === path).hash;
    expect(hashOf('onnx/text_model_quantized.onnx')).toBe('pinned');
    expect(hashOf('onnx/vision_model_quantized.onnx')).toBe('host-verified');

    const checked = run('models', 'check');
    expect(checked.status, checked.stderr).toBe(0);
    const results = JSON.parse(checked.stdout) as { id: string; ok: boolean; figures: Record<string, number> }[];
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['clip-vit-b32', true],
      ['sd15-instruct-pix2pix', true],
    ]);
    expect(results[0]!.figures.imagesPerSecond).toBeGreaterThan(0);

    // A damaged encoder is a hard failure: the command exits non-zero and says why.
    await writeFile(join(models, 'clip-vit-b32', 'onnx', 'text_model_quantized.onnx'), 'not an onnx file');
    const failed = run('models', 'check', 'clip-vit-b32');
    expect(failed.status).toBe(1);
    expect(JSON.parse(failed.stdout)[0]).toMatchObject({ ok: false, failures: [expect.stringContaining('does not load or run')] });
    await rm(scratch, { recursive: true, force: true });
  });
});
