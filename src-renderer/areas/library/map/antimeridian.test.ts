import { describe, expect, it } from 'vitest';
import { unwrapAntimeridian } from './antimeridian';

describe('rings across the date line', () => {
  it('keeps each point within 180° of the previous one, so the ring runs past the edge instead of across the world', () => {
    const fiji: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[[179, -16], [-179.5, -16.5], [-179, -17], [179.5, -17], [179, -16]]] };
    unwrapAntimeridian(fiji);
    expect(fiji.coordinates[0]!.map((p) => p[0])).toEqual([179, 180.5, 181, 179.5, 179]);
  });

  it('leaves rings that do not cross it alone, in multipolygons too', () => {
    const france: GeoJSON.MultiPolygon = { type: 'MultiPolygon', coordinates: [[[[2, 48], [3, 49], [1, 47], [2, 48]]]] };
    unwrapAntimeridian(france);
    expect(france.coordinates[0]![0]!.map((p) => p[0])).toEqual([2, 3, 1, 2]);
  });
});
