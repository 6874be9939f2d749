import { z } from 'zod';
import { ComposerIdSchema } from './compose';
import { PrecisionSchema } from './models';

/** Settings the user changes in the app; persisted in <data dir>/settings.json. */
export const SettingsSchema = z.object({
  /** A folder holding models (one sub-folder per model id), or null for <data dir>/models. */
  modelsDir: z.string().min(1).nullable(),
  /** Base URL of a Hugging Face-layout mirror for downloads, or null for the default host. */
  modelMirror: z.url({ protocol: /^https?$/ }).nullable(),
  /** How search vectors are stored: f32 (exact), f16 (half the memory, same results), i8 (a quarter, slightly worse). */
  vectorPrecision: z.enum(['f32', 'f16', 'i8']),
  /** The CLIP model the library embeds with (a manifest id), or null for the default. */
  clipModel: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/).nullable(),
  /** How composed queries are composed unless a query says otherwise. */
  composer: ComposerIdSchema,
  /** Precision variant per model id (fp32, fp16, int8), where the user overrides the automatic choice. */
  modelVariants: z.record(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/), PrecisionSchema),
  /** The first-run guide was used or skipped (it can be reopened from Settings → Models). */
  firstRunDone: z.boolean(),
  /** The Library's map loads OpenStreetMap tiles (a network request per tile); off or absent: offline country outlines only (optional, so older settings objects stay valid). */
  onlineMapTiles: z.boolean().optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsViewSchema = z.object({
  settings: SettingsSchema,
  /** What is in effect after command-line flags and environment variables. */
  effective: z.object({ modelsDir: z.string(), modelMirror: z.string(), vectorPrecision: z.enum(['f32', 'f16', 'i8']), clipModel: z.string(), composer: ComposerIdSchema }),
  /** Settings fixed by a flag or environment variable for this run (the UI cannot change them). */
  lockedBy: z.object({ modelsDir: z.string().nullable(), modelMirror: z.string().nullable() }),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;
