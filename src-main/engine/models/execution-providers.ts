import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutionProvider } from '@contract';
import { ort } from '../shared/native-packages';
import { phaseDone } from '../shared/phase-timings';

/** What the machine offers, gathered once; injected in tests. */
export interface ProviderEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  /** Backends onnxruntime-node reports (listSupportedBackends), or null if it failed to load. */
  ortBackends: { name: string; bundled: boolean }[] | null;
  /** Whether a file exists (used to find CUDA provider libraries and the NVIDIA driver). */
  exists: (path: string) => boolean;
  /** Folder holding onnxruntime-node's native binaries, or null if unknown. */
  ortBinDir: string | null;
  /** STUDIO_EXECUTION_PROVIDER, to force one provider (e.g. cpu). */
  forced: string | undefined;
}

export interface ProviderChoice {
  providers: ExecutionProvider[];
  selected: string | null;
  reason: string;
}

const CUDA_SETUP_HINT = 'run `npm run setup -- --cuda` to install ONNX Runtime’s CUDA 12 files';

/** The preference order for a platform: GPU providers first, CPU last. */
export function preferenceOrder(platform: NodeJS.Platform): string[] {
  switch (platform) {
    case 'win32':
      return ['cuda', 'dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cuda', 'cpu'];
  }
}

function cudaStatus(env: ProviderEnvironment): { available: boolean; note: string | null } {
  const libName = env.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  const driverPresent =
    env.platform === 'win32'
      ? env.exists('C:\\Windows\\System32\\nvcuda.dll')
      : env.exists('/proc/driver/nvidia/version');
  if (!driverPresent) return { available: false, note: 'No NVIDIA GPU driver found on this machine.' };
  if (!env.ortBinDir || !env.exists(join(env.ortBinDir, libName))) {
    return { available: false, note: `An NVIDIA GPU is present but the CUDA provider is not installed: ${CUDA_SETUP_HINT}.` };
  }
  return { available: true, note: null };
}

/** The one place that decides which execution provider inference uses, and says why. */
export function chooseExecutionProvider(env: ProviderEnvironment): ProviderChoice {
  if (!env.ortBackends) {
    return {
      providers: [],
      selected: null,
      reason: 'ONNX Runtime could not be loaded, so no model can run. Reinstall dependencies with `npm run setup`.',
    };
  }
  const backendNames = new Set(env.ortBackends.map((b) => b.name));
  const providers: ExecutionProvider[] = preferenceOrder(env.platform).map((name) => {
    if (name === 'cpu') return { name, available: true, note: null };
    if (name === 'cuda') {
      if (!backendNames.has('cuda')) return { name, available: false, note: `This ONNX Runtime build has no CUDA provider for ${env.platform}/${env.arch}.` };
      return { name, ...cudaStatus(env) };
    }
    const available = backendNames.has(name);
    return { name, available, note: available ? null : `Not part of this ONNX Runtime build.` };
  });

  if (env.forced) {
    const forced = providers.find((p) => p.name === env.forced);
    if (forced?.available) return { providers, selected: forced.name, reason: `Forced by STUDIO_EXECUTION_PROVIDER=${env.forced}.` };
    const why = forced ? forced.note : `unknown provider (choose one of ${providers.map((p) => p.name).join(', ')})`;
    const fallback = providers.find((p) => p.available)!;
    return { providers, selected: fallback.name, reason: `STUDIO_EXECUTION_PROVIDER=${env.forced} is not usable (${why}); using ${fallback.name}.` };
  }

  const selected = providers.find((p) => p.available)!;
  const skipped = providers.slice(0, providers.indexOf(selected));
  const reason =
    skipped.length === 0
      ? `${selected.name.toUpperCase()} is the preferred provider on this machine.`
      : `Using ${selected.name.toUpperCase()}: ` + skipped.map((p) => `${p.name.toUpperCase()} unavailable — ${p.note}`).join(' ');
  return { providers, selected: selected.name, reason };
}

export interface OrtProbe {
  version: string | null;
  backends: { name: string; bundled: boolean }[] | null;
  binDir: string | null;
  loadError: string | null;
}

/** Loads onnxruntime-node (now, if nothing has yet) and reads what it offers; never throws. */
export function probeOnnxRuntime(): OrtProbe {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('onnxruntime-node/package.json'));
    const binDir = join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch);
    return {
      version: ort.env.versions?.node ?? null,
      backends: ort.listSupportedBackends(),
      binDir: existsSync(binDir) ? binDir : null,
      loadError: null,
    };
  } catch (error) {
    return { version: null, backends: null, binDir: null, loadError: error instanceof Error ? error.message : String(error) };
  }
}

export interface Inference {
  ort: OrtProbe;
  choice: ProviderChoice;
}

/**
 * What ONNX Runtime offers and the provider chosen, worked out the first time anything asks (a model to run, app.info)
 * rather than at startup: probing loads ONNX Runtime, which a search or the host's start does not need. `given`: a
 * probe made elsewhere (tests pass a fake one).
 */
export function inferenceOnFirstUse(given: OrtProbe | undefined, forced: string | undefined): () => Inference {
  let found: Inference | null = null;
  return () => {
    if (found) return found;
    const probe = given ?? probeOnnxRuntime();
    const choice = chooseExecutionProvider({ platform: platform(), arch: arch(), ortBackends: probe.backends, exists: existsSync, ortBinDir: probe.binDir, forced });
    phaseDone('ONNX Runtime probe');
    return (found = { ort: probe, choice });
  };
}
