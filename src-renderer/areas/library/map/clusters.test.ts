import { describe, expect, it } from 'vitest';
import type { Place } from '@contract';
import { boundsOf, clusterPlaces, projectToPixels } from './clusters';

const place = (id: number, lat: number, lon: number): Place => ({ id, name: `${id}.jpg`, thumb: null, lat, lon });
// Two photos a few hundred metres apart in Paris, one in Lyon (~390 km away), one in Sydney.
const paris1 = place(1, 48.8566, 2.3522);
const paris2 = place(2, 48.8584, 2.2945);
const lyon = place(3, 45.764, 4.8357);
const sydney = place(4, -33.8688, 151.2093);
const all = [paris1, paris2, lyon, sydney];

describe('map clustering', () => {
  it('projects like Web Mercator: the origin at the centre, the date line at the edges', () => {
    expect(projectToPixels(0, 0, 0)).toEqual({ x: 128, y: 128 });
    expect(projectToPixels(0, -180, 1).x).toBe(0);
    expect(projectToPixels(0, 180, 1).x).toBe(512);
    expect(projectToPixels(60, 0, 0).y).toBeLessThan(128);
  });

  it('merges France into one marker when zoomed out, and splits it when zoomed in', () => {
    const world = clusterPlaces(all, 2);
    expect(world).toHaveLength(2);
    expect(world[0]!.places.map((p) => p.id).sort()).toEqual([1, 2, 3]);
    expect(world[1]!.places.map((p) => p.id)).toEqual([4]);

    const country = clusterPlaces(all, 7);
    expect(country.map((c) => c.places.map((p) => p.id).sort())).toEqual([[1, 2], [3], [4]]);

    const street = clusterPlaces(all, 16);
    expect(street).toHaveLength(4);
  });

  it('puts a group at the mean of its photos', () => {
    const [paris] = clusterPlaces([paris1, paris2], 5);
    expect(paris!.lat).toBeCloseTo((48.8566 + 48.8584) / 2, 6);
    expect(paris!.lon).toBeCloseTo((2.3522 + 2.2945) / 2, 6);
  });

  it('bounds every photo, and has no bounds without photos', () => {
    expect(boundsOf(all)).toEqual([
      [-33.8688, 2.2945],
      [48.8584, 151.2093],
    ]);
    expect(boundsOf([])).toBeNull();
    expect(clusterPlaces([], 3)).toEqual([]);
  });
});
