import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEngine } from './app-services';
import type { OrtProbe } from './models/execution-providers';

const temp = () => mkdtemp(join(tmpdir(), 'studio-services-'));

describe('the composition root', () => {
  it('takes the machine from its options: a fake ONNX Runtime probe and a forced provider reach app.info', async () => {
    const broken: OrtProbe = { version: null, backends: null, binDir: null, loadError: 'fake: libonnxruntime.so missing' };
    const services = await startEngine({ dataDir: await temp(), host: 'cli', environment: { ort: broken, forcedProvider: undefined } });
    const info = services.app.info();
    expect(info.engine).toEqual({ status: 'degraded', problems: ['ONNX Runtime failed to load: fake: libonnxruntime.so missing'] });
    expect(info.inference).toMatchObject({ onnxRuntimeVersion: null, providers: [], selected: null });
    await services.close();

    const cpuOnly: OrtProbe = { version: '9.9.9-fake', backends: [{ name: 'cpu', bundled: true }], binDir: null, loadError: null };
    const forced = await startEngine({ dataDir: await temp(), host: 'cli', environment: { ort: cpuOnly, forcedProvider: 'dml' } });
    expect(forced.app.info().engine.status).toBe('ready');
    expect(forced.app.info().inference).toMatchObject({ onnxRuntimeVersion: '9.9.9-fake', selected: 'cpu', reason: expect.stringContaining('STUDIO_EXECUTION_PROVIDER=dml is not usable') });
    expect(forced.edit.capabilities().provider).toBe('cpu');
    await forced.close();
  });

  it('reads another manifest from the environment it is given, not from process.env', async () => {
    await expect(startEngine({ dataDir: await temp(), host: 'cli', environment: { manifestFile: join(await temp(), 'missing.json') } })).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringContaining('missing.json') });
  });

  it('cleans a dead writer\'s temp file at startup unless told not to (the CLI\'s read-only commands)', async () => {
    // A thumbnail half written by a process that no longer exists (pid 999999999).
    const withLeftover = async () => {
      const dataDir = await temp();
      await mkdir(join(dataDir, 'cache', 'thumbs', 'ab'), { recursive: true });
      const file = join(dataDir, 'cache', 'thumbs', 'ab', 'abc.webp.999999999.x1.tmp');
      await writeFile(file, 'half a thumbnail');
      return { dataDir, file };
    };
    const kept = await withLeftover();
    await (await startEngine({ dataDir: kept.dataDir, host: 'cli', housekeeping: false, environment: { forcedProvider: 'cpu' } })).close();
    expect(existsSync(kept.file)).toBe(true);
    const swept = await withLeftover();
    await (await startEngine({ dataDir: swept.dataDir, host: 'cli', environment: { forcedProvider: 'cpu' } })).close();
    expect(existsSync(swept.file)).toBe(false);
  });
});
