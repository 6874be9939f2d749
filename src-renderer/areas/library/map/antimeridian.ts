/**
 * Rings that cross the date line (Russia's far east, Fiji) jump from +180 to −180 and would be drawn as a stripe
 * across the world; shifting each point by whole turns to stay within 180° of the previous one draws them past the edge.
 */
export function unwrapAntimeridian(geometry: GeoJSON.Geometry): void {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.type === 'MultiPolygon' ? geometry.coordinates.flat() : [];
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const previous = ring[i - 1]![0]!;
      const point = ring[i]!;
      while (point[0]! - previous > 180) point[0]! -= 360;
      while (point[0]! - previous < -180) point[0]! += 360;
    }
  }
}
