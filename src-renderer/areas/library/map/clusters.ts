import type { Place } from '@contract';

/** A group of photos drawn as one marker: its centre (the mean position) and the photos in it. */
export interface Cluster {
  lat: number;
  lon: number;
  places: Place[];
}

const TILE = 256;
const MAX_LAT = 85.05112878;

/** Web Mercator pixel position of a point at a zoom level (as Leaflet draws it). */
export function projectToPixels(lat: number, lon: number, zoom: number): { x: number; y: number } {
  const scale = TILE * 2 ** zoom;
  const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  return { x: ((lon + 180) / 360) * scale, y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale };
}

/**
 * Groups photos that fall in the same square of `cellPx` screen pixels at this zoom, so nearby markers merge when
 * zoomed out and split when zoomed in. Largest groups first.
 */
export function clusterPlaces(places: readonly Place[], zoom: number, cellPx = 64): Cluster[] {
  const cells = new Map<string, Place[]>();
  for (const place of places) {
    const { x, y } = projectToPixels(place.lat, place.lon, zoom);
    const key = `${Math.floor(x / cellPx)}:${Math.floor(y / cellPx)}`;
    const cell = cells.get(key);
    if (cell) cell.push(place);
    else cells.set(key, [place]);
  }
  return [...cells.values()]
    .map((group) => ({
      lat: group.reduce((sum, p) => sum + p.lat, 0) / group.length,
      lon: group.reduce((sum, p) => sum + p.lon, 0) / group.length,
      places: group,
    }))
    .sort((a, b) => b.places.length - a.places.length);
}

/** South-west and north-east corners around every photo, or null when there are none. */
export function boundsOf(places: readonly Place[]): [[number, number], [number, number]] | null {
  if (places.length === 0) return null;
  const lats = places.map((p) => p.lat);
  const lons = places.map((p) => p.lon);
  return [
    [Math.min(...lats), Math.min(...lons)],
    [Math.max(...lats), Math.max(...lons)],
  ];
}
