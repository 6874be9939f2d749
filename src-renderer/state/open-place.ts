import { getContext, setContext, tick } from 'svelte';
import type { HelpPlace } from '@contract';
import type { NavigationState } from './navigation.svelte';

const OPEN_PLACE = Symbol('open-place');

/** The element id of each place in Settings an error's action opens. */
export const PLACE_IDS: Record<HelpPlace, string | null> = {
  'settings.models': 'settings-models',
  'settings.data': 'settings-studio',
  'settings.library': 'settings-library',
  library: null,
};

/** Opens the area of a place, then scrolls its section into view and focuses it. */
export async function openPlace(nav: NavigationState, place: HelpPlace): Promise<void> {
  nav.trayOpen = false;
  nav.area = place === 'library' ? 'library' : 'settings';
  await tick();
  const id = PLACE_IDS[place];
  const element = id ? document.getElementById(id) : null;
  element?.scrollIntoView({ block: 'start' });
  element?.focus({ preventScroll: true });
}

/** Called once by the app: error notices anywhere below can then open a place. */
export function provideOpenPlace(nav: NavigationState): void {
  setContext(OPEN_PLACE, (place: HelpPlace) => openPlace(nav, place));
}

/** How a component opens a place (nothing outside the app, e.g. in a component test). */
export function useOpenPlace(): (place: HelpPlace) => void {
  return getContext<((place: HelpPlace) => void) | undefined>(OPEN_PLACE) ?? (() => {});
}
