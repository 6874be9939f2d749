export const AREAS = [
  { id: 'library', label: 'Library', key: '1' },
  { id: 'search', label: 'Search', key: '2' },
  { id: 'edit', label: 'Edit', key: '3' },
  { id: 'concepts', label: 'Concepts', key: '4' },
  { id: 'settings', label: 'Settings', key: '5' },
] as const;

export type AreaId = (typeof AREAS)[number]['id'];

const AREA_KEY = 'studio.area';

/** Which area is shown, whether the job tray is open and whether side panels are hidden; keyboard shortcuts drive all three. */
export class NavigationState {
  #area = $state<AreaId>(storedArea());
  trayOpen = $state(false);
  /** Side panels hidden (Tab, as in Lightroom), leaving the photos or the canvas the whole window. */
  panelsHidden = $state(false);

  /** The area shown; kept for a reload of the page. */
  get area(): AreaId {
    return this.#area;
  }

  set area(value: AreaId) {
    this.#area = value;
    globalThis.sessionStorage?.setItem(AREA_KEY, value);
  }

  /**
   * Ctrl/Cmd+1…5 switch areas, Ctrl/Cmd+J toggles the job tray, Escape closes it, Tab hides or shows the side panels
   * when nothing has the keyboard focus (`onPage`; elsewhere Tab moves the focus as always). Returns whether it acted.
   */
  handleKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'> & { shiftKey?: boolean }, onPage = false): boolean {
    if (event.key === 'Escape' && this.trayOpen) {
      this.trayOpen = false;
      return true;
    }
    if (event.key === 'Tab' && onPage && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) {
      this.panelsHidden = !this.panelsHidden;
      return true;
    }
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return false;
    const area = AREAS.find((a) => a.key === event.key);
    if (area) {
      this.area = area.id;
      return true;
    }
    if (event.key.toLowerCase() === 'j') {
      this.trayOpen = !this.trayOpen;
      return true;
    }
    return false;
  }
}

function storedArea(): AreaId {
  const stored = globalThis.sessionStorage?.getItem(AREA_KEY);
  return AREAS.find((a) => a.id === stored)?.id ?? 'library';
}
