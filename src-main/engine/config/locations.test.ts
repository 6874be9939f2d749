import { describe, expect, it } from 'vitest';
import { locationFlags, resolveLocations } from './locations';

describe('resolveLocations', () => {
  it('puts models in the data dir unless told otherwise', () => {
    expect(resolveLocations({ dataDir: '/d' }, {})).toEqual({ dataDir: '/d', modelsDir: '/d/models', modelMirror: undefined });
  });

  it('takes flags over environment variables', () => {
    const env = { STUDIO_MODELS_DIR: '/env/models', STUDIO_MODEL_MIRROR: 'https://env.example' };
    expect(resolveLocations({ dataDir: '/d' }, env)).toMatchObject({ modelsDir: '/env/models', modelMirror: 'https://env.example' });
    expect(resolveLocations({ dataDir: '/d', modelsDir: '/flag/models', modelMirror: 'https://flag.example' }, env)).toMatchObject({
      modelsDir: '/flag/models',
      modelMirror: 'https://flag.example',
    });
  });

  it('reads the flags parseArgs produced', () => {
    expect(locationFlags({ 'data-dir': '/a', 'models-dir': '/b', json: true })).toEqual({ dataDir: '/a', modelsDir: '/b', modelMirror: undefined });
  });
});
