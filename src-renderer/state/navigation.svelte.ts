export const AREAS = [
  { id: 'library', label: 'Library', key: '1' },
  { id: 'search', label: 'Search', key: '2' },
  { id: 'edit', label: 'Edit', key: '3' },
  { id: 'concepts', label: 'Concepts', key: '4' },
  { id: 'settings', label: 'Settings', key: '5' },
] as const;

export type AreaId = (typeof AREAS)[number]['id'];

/** Which area is shown and whether the job tray is open; keyboard shortcuts drive both. */
export class NavigationState {
  area = $state<AreaId>('library');
  trayOpen = $state(false);

  /** Ctrl/Cmd+1…5 switch areas, Ctrl/Cmd+J toggles the job tray, Escape closes it. Returns whether it acted. */
  handleKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
    if (event.key === 'Escape' && this.trayOpen) {
      this.trayOpen = false;
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
