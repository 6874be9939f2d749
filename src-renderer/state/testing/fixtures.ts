import { jobKinds } from '@contract';
import type { ComposedResult, ComposerInfo, Concept, ItemDetail, Job, JobKind, JobOf, JobResult, LibraryItem, ModelStatus, ProjectView, SearchResult, SettingsView, Turn } from '@contract';

/** Contract-valid values for the fake engine to answer with; each takes the fields a test cares about. */

export const item = (id: number, name = `photo-${id}.png`): LibraryItem => ({ id, path: `/photos/${name}`, name, folder: '/photos', width: 64, height: 48, thumb: `t${id}.jpg`, score: null });

export const detail = (id: number, extra: Partial<ItemDetail> = {}): ItemDetail => ({
  ...item(id),
  size: 1000,
  format: 'png',
  takenAt: null,
  camera: null,
  lens: null,
  gps: null,
  exposure: null,
  title: null,
  caption: null,
  rating: 0,
  flag: 'none',
  tags: [],
  status: 'indexed',
  error: null,
  duplicates: [],
  embeddedPreview: null,
  ...extra,
});

export const searchResult = (items: LibraryItem[], extra: Partial<SearchResult> = {}): SearchResult => ({ items, mode: 'vector', note: null, ...extra });

export const job = <K extends JobKind>(id: string, kind: K, state: Job['state'] = 'running', result: JobResult<K> | null = null, error: Job['error'] = null): JobOf<K> => ({
  id,
  kind,
  label: kind,
  state,
  cancelRequested: false,
  pausable: false,
  progress: { done: 0, total: 10, unit: jobKinds[kind].unit, rate: null, etaSeconds: null },
  createdAt: 1,
  startedAt: 1,
  finishedAt: state === 'done' || state === 'failed' || state === 'cancelled' ? 2 : null,
  error,
  result,
});

export const composerInfo = (id: ComposerInfo['id'], weights = { image: 1, text: 1, negative: 1 }, steps: number | null = null): ComposerInfo => ({
  id,
  title: id,
  description: id,
  available: true,
  reason: null,
  defaults: { weights, steps },
});

export const composed = (items: LibraryItem[], composer: ComposerInfo['id'] = 'sum'): ComposedResult => ({
  ...searchResult(items),
  composer,
  weights: { image: 1, text: 1, negative: 1 },
  encoded: { texts: 1, images: 1 },
  timings: { encodeMs: 1, composeMs: 1, searchMs: 1, totalMs: 3 },
});

export const turn = (id: number, parentId: number | null, extra: Partial<Turn> = {}): Turn => ({
  id,
  parentId,
  label: null,
  pipeline: parentId === null ? 'source' : 'instruct',
  instruction: parentId === null ? '' : `turn ${id}`,
  typed: parentId === null ? '' : `turn ${id}`,
  negative: '',
  params: null,
  modelId: null,
  provider: null,
  image: `/turns/p/${id}.png`,
  thumb: `/turns/p/${id}.thumb.jpg`,
  mask: null,
  timings: null,
  grounding: null,
  crop: null,
  createdAt: id,
  ...extra,
});

export const project = (id: number, tree: Turn[], cursor = tree.at(-1)!.id, extra: Partial<ProjectView> = {}): ProjectView => ({
  id,
  name: `project ${id}`,
  width: 64,
  height: 48,
  turns: tree.length,
  thumb: `/turns/${id}/thumb.jpg`,
  updatedAt: id,
  kind: 'photo',
  originalWidth: 64,
  originalHeight: 48,
  tree,
  cursor,
  canUndo: tree.length > 1,
  canRedo: false,
  ...extra,
});

export const concept = (id: number, name: string): Concept => ({
  id,
  name,
  parent: 'mug',
  model: 'clip',
  attributes: [{ word: 'ceramic', similarity: 0.3 }],
  photos: [],
  stats: { generations: 1, evaluations: 1, textsEncoded: 1, loss: 0.1, accuracy: 0.9, seconds: 1, negatives: 0, generatedNegatives: 0, dimensions: 512 },
  tokens: { clip: true, stableDiffusion: false },
  createdAt: id,
});

export const model = (id: string, installed: boolean): ModelStatus => ({
  id,
  task: 'clip',
  title: id,
  description: id,
  licence: 'MIT',
  source: 'test',
  default: true,
  dir: `/models/${id}`,
  installed,
  missing: installed ? [] : ['model.onnx'],
  approxBytes: 100,
  downloadable: true,
  exportCommand: null,
  pinnedTo: null,
  unpinnedReason: null,
  variants: [{ name: 'fp32', approxBytes: 100, installed }],
  variant: 'fp32',
  variantSetting: null,
  variantOf: null,
  inUse: null,
  files: [],
  verification: null,
  check: null,
});

export const settingsView = (firstRunDone = false, composer: SettingsView['settings']['composer'] = 'sum'): SettingsView => ({
  settings: { modelsDir: null, modelMirror: null, vectorPrecision: 'f32', clipModel: null, composer, modelVariants: {}, firstRunDone },
  effective: { modelsDir: '/models', modelMirror: 'https://huggingface.co', vectorPrecision: 'f32', clipModel: 'clip', composer },
  lockedBy: { modelsDir: null, modelMirror: null },
});

/** A PNG's first bytes: enough for the dropped-file check (Node has no image decoder, so it stops at the sniff). */
export const pngFile = (name: string, extra = 0): File =>
  new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, extra])], name, { type: 'image/png' });

/**
 * The text a state shows for its error, whatever form the error field takes (a message today; an explanation
 * object once errors are typed), so tests assert what the designer reads rather than the field's shape.
 */
export const shownError = (error: unknown): string | null => (error === null || error === undefined ? null : typeof error === 'string' ? error : JSON.stringify(error));
