import { explainError, type Filters, type Place, type Problem } from '@contract';
import type { StudioClient } from '../api/client';

/** The Library's map view: whether it is shown, and the photos with a location under the current filters. */
export class PlacesState {
  shown = $state(false);
  places = $state<Place[]>([]);
  /** The first answer came back (until then the map shows no empty state). */
  loaded = $state(false);
  error = $state<Problem | null>(null);
  /** The "Online map tiles" setting (read with the places). */
  onlineTiles = $state(false);
  private asked = 0;

  constructor(private readonly client: StudioClient) {}

  /** Lists the photos with GPS under these filters; a slower earlier answer never replaces a newer one. */
  async load(filters: Filters): Promise<void> {
    const ask = ++this.asked;
    try {
      const [places, settings] = await Promise.all([this.client.call('library.places', Object.keys(filters).length ? { filters } : {}), this.client.call('settings.get', {})]);
      if (ask !== this.asked) return;
      this.places = places;
      this.onlineTiles = settings.settings.onlineMapTiles === true;
      this.error = null;
    } catch (error) {
      if (ask === this.asked) this.error = explainError(error);
    } finally {
      if (ask === this.asked) this.loaded = true;
    }
  }
}
