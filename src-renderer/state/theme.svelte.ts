export type Theme = 'system' | 'light' | 'dark';
const KEY = 'studio.theme';

/** The colour theme: the system's, or light or dark whatever the system says; kept across sessions. */
export class ThemeState {
  #theme = $state<Theme>(stored());

  constructor() {
    apply(this.#theme);
  }

  get theme(): Theme {
    return this.#theme;
  }

  set theme(value: Theme) {
    this.#theme = value;
    globalThis.localStorage?.setItem(KEY, value);
    apply(value);
  }
}

function stored(): Theme {
  const value = globalThis.localStorage?.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

function apply(theme: Theme): void {
  if (typeof document === 'undefined') return;
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
