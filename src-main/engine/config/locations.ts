import { join, resolve } from 'node:path';
import { resolveDataDir } from './data-dir';

export interface LocationFlags {
  dataDir?: string | undefined;
  modelsDir?: string | undefined;
  modelMirror?: string | undefined;
}

export interface Locations {
  dataDir: string;
  /** Where models live; <dataDir>/models unless --models-dir / STUDIO_MODELS_DIR point elsewhere (e.g. an offline copy). */
  modelsDir: string;
  /** Base URL for model downloads (Hugging Face layout), or undefined for the manifest's default. */
  modelMirror: string | undefined;
}

/** Every entry point resolves its folders the same way: flags beat environment variables beat defaults. */
export function resolveLocations(flags: LocationFlags = {}, env: NodeJS.ProcessEnv = process.env): Locations {
  const dataDir = resolveDataDir({ flag: flags.dataDir, env });
  const models = flags.modelsDir || env.STUDIO_MODELS_DIR;
  return {
    dataDir,
    modelsDir: models ? resolve(models) : join(dataDir, 'models'),
    modelMirror: flags.modelMirror || env.STUDIO_MODEL_MIRROR || undefined,
  };
}

/** The parseArgs options every entry point accepts for these. */
export const LOCATION_OPTIONS = {
  'data-dir': { type: 'string' },
  'models-dir': { type: 'string' },
  'model-mirror': { type: 'string' },
} as const;

export function locationFlags(values: Record<string, unknown>): LocationFlags {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { dataDir: str(values['data-dir']), modelsDir: str(values['models-dir']), modelMirror: str(values['model-mirror']) };
}
