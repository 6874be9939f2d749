import L from 'leaflet';
import { feature } from 'topojson-client';
import { unwrapAntimeridian } from './antimeridian';

type Topology = Parameters<typeof feature>[0];

/** The offline base layer: country outlines from world-atlas (1:50m), loaded on first use as its own chunk. */
export async function countriesLayer(): Promise<L.GeoJSON> {
  const topology = (await import('world-atlas/countries-50m.json')).default as unknown as Topology;
  const countries = feature(topology, topology.objects['countries']!) as GeoJSON.FeatureCollection;
  for (const country of countries.features) unwrapAntimeridian(country.geometry);
  return L.geoJSON(countries, { style: () => ({ className: 'map-land' }), interactive: false });
}

/** OpenStreetMap's tiles, used only when the user turns on "Online map tiles" in Settings. */
export const ONLINE_TILES_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';

export function onlineTilesLayer(): L.TileLayer {
  return L.tileLayer(ONLINE_TILES_URL, { maxZoom: 19, attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors' });
}
