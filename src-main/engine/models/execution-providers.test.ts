import { describe, expect, it } from 'vitest';
import { chooseExecutionProvider, inferenceOnFirstUse, probeOnnxRuntime, type ProviderEnvironment } from './execution-providers';

const linuxBackends = [
  { name: 'cpu', bundled: true },
  { name: 'cuda', bundled: false },
];

function env(over: Partial<ProviderEnvironment> = {}): ProviderEnvironment {
  return {
    platform: 'linux',
    arch: 'x64',
    ortBackends: linuxBackends,
    exists: () => false,
    ortBinDir: '/ort/bin',
    forced: undefined,
    ...over,
  };
}

describe('chooseExecutionProvider', () => {
  it('falls back to CPU without an NVIDIA driver and says why', () => {
    const choice = chooseExecutionProvider(env());
    expect(choice.selected).toBe('cpu');
    expect(choice.providers.map((p) => p.name)).toEqual(['cuda', 'cpu']);
    expect(choice.reason).toMatch(/CUDA unavailable — No NVIDIA GPU driver/);
  });

  it('tells a GPU owner how to install the CUDA provider', () => {
    const choice = chooseExecutionProvider(env({ exists: (p) => p === '/proc/driver/nvidia/version' }));
    expect(choice.selected).toBe('cpu');
    expect(choice.providers[0]!.note).toMatch(/npm run setup -- --cuda/);
  });

  it('picks CUDA when the driver and the provider library are present', () => {
    const choice = chooseExecutionProvider(env({ exists: () => true }));
    expect(choice.selected).toBe('cuda');
    expect(choice.reason).toMatch(/preferred/);
  });

  it('honours a forced provider, and explains when it cannot', () => {
    expect(chooseExecutionProvider(env({ exists: () => true, forced: 'cpu' })).selected).toBe('cpu');
    const bad = chooseExecutionProvider(env({ forced: 'cuda' }));
    expect(bad.selected).toBe('cpu');
    expect(bad.reason).toMatch(/STUDIO_EXECUTION_PROVIDER=cuda is not usable/);
    expect(chooseExecutionProvider(env({ forced: 'tpu' })).reason).toMatch(/unknown provider/);
  });

  it('orders DirectML for Windows and CoreML for macOS', () => {
    const win = chooseExecutionProvider(env({ platform: 'win32', ortBackends: [{ name: 'cpu', bundled: true }, { name: 'dml', bundled: true }] }));
    expect(win.providers.map((p) => p.name)).toEqual(['cuda', 'dml', 'cpu']);
    expect(win.selected).toBe('dml');
    const mac = chooseExecutionProvider(env({ platform: 'darwin', ortBackends: [{ name: 'cpu', bundled: true }, { name: 'coreml', bundled: true }] }));
    expect(mac.selected).toBe('coreml');
  });

  it('reports no provider when ONNX Runtime did not load', () => {
    const choice = chooseExecutionProvider(env({ ortBackends: null }));
    expect(choice.selected).toBeNull();
    expect(choice.reason).toMatch(/could not be loaded/);
  });
});

describe('probeOnnxRuntime', () => {
  it('loads the installed onnxruntime-node and lists the CPU backend', async () => {
    const probe = await probeOnnxRuntime();
    expect(probe.loadError).toBeNull();
    expect(probe.version).toMatch(/^\d+\.\d+/);
    expect(probe.backends?.map((b) => b.name)).toContain('cpu');
  });
});

describe('inferenceOnFirstUse', () => {
  it('chooses once, when first asked, from the probe it is given', () => {
    const cpuOnly = { version: '9.9.9-fake', backends: [{ name: 'cpu', bundled: true }], binDir: null, loadError: null };
    const inference = inferenceOnFirstUse(cpuOnly, 'cpu');
    const first = inference();
    expect(first.ort).toBe(cpuOnly);
    expect(first.choice).toMatchObject({ selected: 'cpu', reason: 'Forced by STUDIO_EXECUTION_PROVIDER=cpu.' });
    expect(inference()).toBe(first);
  });
});
