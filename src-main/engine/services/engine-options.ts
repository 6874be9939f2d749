import type { AppInfo } from '@contract';
import type { Confinement } from '../config/confinement';
import type { OrtProbe } from '../models/execution-providers';
import type { Manifest } from '../models/manifest';
import type { RunLocks } from './effective-settings';

export interface EngineOptions extends RunLocks {
  /** Accept a plain-http model mirror on another machine (--allow-insecure-mirror). */
  allowInsecureMirror?: boolean;
  /** The model manifest (tests pass one whose hashes are the fixtures'); default: STUDIO_MODEL_MANIFEST, else models/manifest.json. */
  manifest?: Manifest;
  /** fetch used for downloads (tests pass their own). */
  fetch?: typeof fetch;
  host: AppInfo['host'];
  /** Electron's version when running inside Electron. */
  electronVersion?: string | null;
  jobConcurrency?: number;
  /**
   * Startup cleaning (temp files of writers that died, month-old unused uploads; default on). It walks the whole data
   * folder, thumbnails included — most of a second at 100k photos — so commands that only read turn it off.
   */
  housekeeping?: boolean;
  /**
   * Open a data folder that cannot be written, to read only (the CLI's status, info and search): nothing is saved, the
   * databases are read from private copies, and info() says so.
   */
  readOnly?: { reason: string };
  /** Server mode's limits (see Confinement); none for the desktop window unless asked for. */
  confinement?: Confinement;
  /** What the machine offers, normally read at the edge by startEngine: tests pass a fake ORT probe or a forced provider. */
  environment?: Partial<EngineEnvironment>;
}

export interface EngineEnvironment {
  /** What ONNX Runtime offers; when absent it is probed the first time something needs the execution provider. */
  ort?: OrtProbe;
  /** STUDIO_EXECUTION_PROVIDER: use this provider (or cpu) whatever the machine offers. */
  forcedProvider: string | undefined;
  /** STUDIO_MODEL_MANIFEST: another manifest (a private mirror's, or the tests' whose hashes are the fixtures'). */
  manifestFile: string | undefined;
}
