import { describe, expect, it } from 'vitest';
import { locationFlags, resolveLocations } from './locations';

describe('resolveLocations', () => {
  it('fixes nothing about models unless a flag or variable does', () => {
    expect(resolveLocations({ dataDir: '/d' }, {})).toEqual({
      dataDir: '/d',
      modelsDir: undefined,
      modelMirror: undefined,
      lockedBy: { modelsDir: null, modelMirror: null },
      allowInsecureMirror: false,
    });
  });

  it('allows a plain-http mirror only when asked by flag or variable', () => {
    expect(resolveLocations({ dataDir: '/d', allowInsecureMirror: true }, {}).allowInsecureMirror).toBe(true);
    expect(resolveLocations({ dataDir: '/d' }, { STUDIO_ALLOW_INSECURE_MIRROR: '1' }).allowInsecureMirror).toBe(true);
    expect(locationFlags({ 'allow-insecure-mirror': true }).allowInsecureMirror).toBe(true);
  });

  it('takes flags over environment variables', () => {
    const env = { STUDIO_MODELS_DIR: '/env/models', STUDIO_MODEL_MIRROR: 'https://env.example' };
    expect(resolveLocations({ dataDir: '/d' }, env)).toMatchObject({
      modelsDir: '/env/models',
      modelMirror: 'https://env.example',
      lockedBy: { modelsDir: 'STUDIO_MODELS_DIR', modelMirror: 'STUDIO_MODEL_MIRROR' },
    });
    expect(resolveLocations({ dataDir: '/d', modelsDir: '/flag/models', modelMirror: 'https://flag.example' }, env)).toMatchObject({
      modelsDir: '/flag/models',
      modelMirror: 'https://flag.example',
      lockedBy: { modelsDir: '--models-dir', modelMirror: '--model-mirror' },
    });
  });

  it('reads the flags parseArgs produced', () => {
    expect(locationFlags({ 'data-dir': '/a', 'models-dir': '/b', json: true })).toEqual({ dataDir: '/a', modelsDir: '/b', modelMirror: undefined, allowInsecureMirror: false });
  });
});
