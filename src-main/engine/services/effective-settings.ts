import type { SettingsView } from '@contract';
import { defaultModelsDir } from '../config/locations';
import { remoteSettingsLock, type Confinement } from '../config/confinement';
import type { SettingsStore } from '../config/settings-store';
import type { Manifest } from '../models/manifest';

export interface RunLocks {
  dataDir: string;
  /** Models folder fixed for this run (flag/env); otherwise the saved setting, otherwise <dataDir>/models. */
  modelsDir?: string | undefined;
  /** Download mirror fixed for this run (flag/env); otherwise the saved setting, otherwise the manifest's. */
  modelMirror?: string | undefined;
  /** Which flag or variable fixed the two above, for Settings to explain. */
  lockedBy?: { modelsDir: string | null; modelMirror: string | null } | undefined;
  confinement?: Confinement | undefined;
}

/** The settings in effect: saved settings under what this run fixes (flags, variables, server mode). */
export class EffectiveSettings {
  constructor(
    private readonly saved: SettingsStore,
    private readonly manifest: Manifest,
    private readonly run: RunLocks,
  ) {}

  /** The CLIP model the library embeds with: the user's choice, else the manifest's default CLIP. */
  clipModelId(): string {
    return this.saved.get().clipModel ?? this.manifest.models.find((m) => m.task === 'clip' && m.default)!.id;
  }

  effective(): SettingsView['effective'] {
    const saved = this.saved.get();
    return {
      modelsDir: this.run.modelsDir ?? saved.modelsDir ?? defaultModelsDir(this.run.dataDir),
      modelMirror: this.run.modelMirror ?? saved.modelMirror ?? this.manifest.defaultMirror,
      vectorPrecision: saved.vectorPrecision,
      clipModel: this.clipModelId(),
      composer: saved.composer,
    };
  }

  /** Which flag, variable or mode fixes the models folder and the mirror for this run. */
  lockedBy(): SettingsView['lockedBy'] {
    const fixed = this.run.lockedBy ?? { modelsDir: this.run.modelsDir ? 'the host' : null, modelMirror: this.run.modelMirror ? 'the host' : null };
    const remote = remoteSettingsLock(this.run.confinement);
    return { modelsDir: fixed.modelsDir ?? remote, modelMirror: fixed.modelMirror ?? remote };
  }

  /** The lock server mode puts on settings changed over the network, if any. */
  remoteLock(): string | null {
    return remoteSettingsLock(this.run.confinement);
  }

  view(): SettingsView {
    return { settings: this.saved.get(), effective: this.effective(), lockedBy: this.lockedBy() };
  }
}
