import { z } from 'zod';

export const ExecutionProviderSchema = z.object({
  /** ONNX Runtime's name for it: cpu, cuda, dml, coreml, … */
  name: z.string(),
  available: z.boolean(),
  /** Why it is not available (or why it was not chosen), in words a user can act on. */
  note: z.string().nullable(),
});
export type ExecutionProvider = z.infer<typeof ExecutionProviderSchema>;

export const EngineStatusSchema = z.enum(['ready', 'degraded']);

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'server', 'cli']),
  platform: z.object({ os: z.string(), arch: z.string(), release: z.string(), cpus: z.number().int() }),
  runtime: z.object({ node: z.string(), electron: z.string().nullable() }),
  dataDir: z.string(),
  modelsDir: z.string(),
  engine: z.object({
    status: EngineStatusSchema,
    /** Problems that make the engine degraded, each a sentence. */
    problems: z.array(z.string()),
  }),
  inference: z.object({
    onnxRuntimeVersion: z.string().nullable(),
    /** Providers in preference order, the chosen one first among the available. */
    providers: z.array(ExecutionProviderSchema),
    selected: z.string().nullable(),
    /** Why the selected provider was chosen, e.g. the fallback reason. */
    reason: z.string(),
    /** Models that could not run on the selected provider and fell back, with the reason. */
    fallbacks: z.array(z.string()),
    /** ONNX Runtime sessions open now (models stay loaded until a model switch releases them). */
    openSessions: z.number().int(),
  }),
  /** The engine process's memory, in bytes (ONNX Runtime's model memory counts in rss, not in the JS heap). */
  memory: z.object({ rss: z.number(), heapUsed: z.number() }),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;
