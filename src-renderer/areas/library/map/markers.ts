import L from 'leaflet';
import { thumbUrlOf } from '@contract';
import type { Cluster } from './clusters';

/** A marker for one photo (its thumbnail) or a group (the count). */
export function clusterIcon(cluster: Cluster): L.DivIcon {
  const one = cluster.places.length === 1 ? cluster.places[0] : undefined;
  const url = one ? thumbUrlOf(one) : null;
  const html = document.createElement('span');
  if (one && url) {
    const img = document.createElement('img');
    img.src = url;
    img.alt = '';
    html.append(img);
  } else html.textContent = String(cluster.places.length);
  return L.divIcon({ className: one ? 'map-marker photo' : 'map-marker group', html, iconSize: one ? [40, 40] : [36, 36] });
}

/** The popup: the photos' thumbnails (at most 12), each opening that photo. */
export function clusterPopup(cluster: Cluster, onopen: (id: number) => void): HTMLElement {
  const box = document.createElement('div');
  box.className = 'map-popup';
  const shown = cluster.places.slice(0, 12);
  for (const place of shown) {
    const button = document.createElement('button');
    button.type = 'button';
    button.title = place.name;
    button.dataset.testid = 'map-photo';
    const url = thumbUrlOf(place);
    if (url) {
      const img = document.createElement('img');
      img.src = url;
      img.alt = place.name;
      button.append(img);
    } else button.textContent = place.name;
    button.addEventListener('click', () => onopen(place.id));
    box.append(button);
  }
  if (cluster.places.length > shown.length) {
    const more = document.createElement('p');
    more.textContent = `and ${cluster.places.length - shown.length} more — zoom in to see them`;
    box.append(more);
  }
  return box;
}
