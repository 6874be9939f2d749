import { join, resolve } from 'node:path';
import { resolveDataDir } from './data-dir';

export interface LocationFlags {
  dataDir?: string | undefined;
  modelsDir?: string | undefined;
  modelMirror?: string | undefined;
  allowInsecureMirror?: boolean | undefined;
}

export interface Locations {
  dataDir: string;
  /** Models folder fixed for this run by --models-dir / STUDIO_MODELS_DIR, if any (else settings, else <dataDir>/models). */
  modelsDir: string | undefined;
  /** Download mirror fixed for this run by --model-mirror / STUDIO_MODEL_MIRROR, if any. */
  modelMirror: string | undefined;
  /** Which flag or variable fixed each, so the UI can say why it cannot change them. */
  lockedBy: { modelsDir: string | null; modelMirror: string | null };
  /** --allow-insecure-mirror / STUDIO_ALLOW_INSECURE_MIRROR=1: accept a plain-http mirror on another machine. */
  allowInsecureMirror: boolean;
}

/** Every entry point resolves its folders the same way: flags beat environment variables beat saved settings. */
export function resolveLocations(flags: LocationFlags = {}, env: NodeJS.ProcessEnv = process.env): Locations {
  const dataDir = resolveDataDir({ flag: flags.dataDir, env });
  const models = flags.modelsDir ? '--models-dir' : env.STUDIO_MODELS_DIR ? 'STUDIO_MODELS_DIR' : null;
  const mirror = flags.modelMirror ? '--model-mirror' : env.STUDIO_MODEL_MIRROR ? 'STUDIO_MODEL_MIRROR' : null;
  const modelsDir = flags.modelsDir || env.STUDIO_MODELS_DIR;
  return {
    dataDir,
    modelsDir: modelsDir ? resolve(modelsDir) : undefined,
    modelMirror: flags.modelMirror || env.STUDIO_MODEL_MIRROR || undefined,
    lockedBy: { modelsDir: models, modelMirror: mirror },
    allowInsecureMirror: flags.allowInsecureMirror === true || env.STUDIO_ALLOW_INSECURE_MIRROR === '1',
  };
}

/** The models folder when neither flags nor settings choose one. */
export function defaultModelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

/** The parseArgs options every entry point accepts for these. */
export const LOCATION_OPTIONS = {
  'data-dir': { type: 'string' },
  'models-dir': { type: 'string' },
  'model-mirror': { type: 'string' },
  'allow-insecure-mirror': { type: 'boolean' },
} as const;

export function locationFlags(values: Record<string, unknown>): LocationFlags {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { dataDir: str(values['data-dir']), modelsDir: str(values['models-dir']), modelMirror: str(values['model-mirror']), allowInsecureMirror: values['allow-insecure-mirror'] === true };
}
