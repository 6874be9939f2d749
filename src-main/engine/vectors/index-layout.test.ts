import { describe, expect, it } from 'vitest';
import { HNSW_SETTINGS, LARGE_LIBRARY, LARGE_LIBRARY_LAYOUT, layoutFileTag, layoutFor } from './index-layout';

describe('index layout by precision and library size', () => {
  it('keeps f16 up to the large-library size and switches to i8 with exact re-scoring from there on', () => {
    expect(layoutFor('f16', 0)).toMatchObject({ quantization: 'f16', rescore: 0, connectivity: HNSW_SETTINGS.connectivity });
    expect(layoutFor('f16', LARGE_LIBRARY - 1)).toMatchObject({ quantization: 'f16', rescore: 0 });
    expect(layoutFor('f16', LARGE_LIBRARY)).toEqual(LARGE_LIBRARY_LAYOUT);
    expect(LARGE_LIBRARY_LAYOUT).toMatchObject({ quantization: 'i8' });
    expect(LARGE_LIBRARY_LAYOUT.rescore).toBeGreaterThanOrEqual(10);
    expect(layoutFor('f16', 5, 5)).toEqual(LARGE_LIBRARY_LAYOUT);
  });

  it('takes f32 literally at any size and always re-scores i8', () => {
    expect(layoutFor('f32', 10 * LARGE_LIBRARY)).toMatchObject({ quantization: 'f32', rescore: 0 });
    expect(layoutFor('i8', 3)).toEqual(LARGE_LIBRARY_LAYOUT);
  });

  it('names files by quantization alone for the graph settings older files were built with', () => {
    expect(layoutFileTag(layoutFor('f16', 0))).toBe('f16');
    expect(layoutFileTag({ ...LARGE_LIBRARY_LAYOUT, connectivity: HNSW_SETTINGS.connectivity })).toBe('i8');
    expect(layoutFileTag({ ...LARGE_LIBRARY_LAYOUT, connectivity: 24 })).toBe('i8.m24');
  });
});
