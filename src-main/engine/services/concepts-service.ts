import type { AddPhotosRequest, Concept, ConceptFile, JobOf, TeachRequest } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { ClipProvider } from '../clip/clip-provider';
import type { Concepts } from '../concepts/concepts';
import { conceptPreviews, PREVIEW_COUNT } from '../grounding/concept-previews';
import { chooseGairW, type GairChoice } from '../grounding/gair-generated';
import type { Grounding } from '../grounding/grounding';
import type { JobRunner } from '../jobs/runner';
import type { Library } from '../library/library';
import type { ModelStore } from '../models/model-store';

export interface ConceptsServiceDeps {
  concepts: Concepts;
  grounding: Grounding;
  jobs: JobRunner;
  clip: ClipProvider;
  library: Pick<Library, 'servingModel'>;
  models: () => ModelStore;
}

/** Personal concepts (*name): teaching, photos, files, previews and GAIR's automatic w. */
export class ConceptsService {
  constructor(private readonly deps: ConceptsServiceDeps) {}

  list(): Concept[] {
    return this.deps.concepts.list();
  }

  teach(request: TeachRequest): Promise<JobOf<'concepts.teach'>> {
    return this.deps.concepts.startTeaching(request);
  }

  addPhotos(request: AddPhotosRequest): Promise<JobOf<'concepts.teach'>> {
    return this.deps.concepts.startAddingPhotos(request);
  }

  rename(id: number, name: string): Concept {
    return this.deps.concepts.rename(id, name);
  }

  remove(id: number): { removed: true } {
    this.deps.concepts.remove(id);
    return { removed: true };
  }

  exportFile(id: number): ConceptFile {
    return this.deps.concepts.exportFile(id);
  }

  importFile(file: unknown, name?: string): Promise<Concept> {
    return this.deps.concepts.importFile(file, name);
  }

  /** Grounded previews of "*name" from its own photos, as a job. */
  previews(name: string, seed: number): JobOf<'concepts.previews'> {
    return this.deps.jobs.submit({ kind: 'concepts.previews', label: `Previews of *${name}`, unit: 'pictures', total: PREVIEW_COUNT }, (ctx) =>
      conceptPreviews(this.deps, name, seed, ctx),
    );
  }

  /** GAIR's w for a query naming a concept, chosen with the model that serves searches. */
  async gairAuto(text: string): Promise<GairChoice> {
    const model = this.deps.library.servingModel();
    const clip = await this.deps.clip.require(model);
    return chooseGairW({ concepts: this.deps.concepts, grounding: this.deps.grounding, models: this.deps.models() }, clip, model, text);
  }

  /** A text with its "*name" mentions replaced by the concepts' attribute words (for encoders without concept tokens). */
  describe(text: string): { text: string; replaced: string[] } {
    return this.deps.concepts.describe(text);
  }

  photoFiles(name: string) {
    return this.deps.concepts.photoFiles(name);
  }

  /** Upload hashes concepts still name (kept by the upload sweep, for retraining). */
  photoHashes(): string[] {
    return this.deps.concepts.photoHashes();
  }

  /** The attribute subspace (evaluation and tests). */
  space(clip: ClipModel, k?: number) {
    return this.deps.concepts.space(clip, k);
  }

  rankedSpace(clip: ClipModel, k: number, parent: string, photos: Float32Array[]) {
    return this.deps.concepts.rankedSpace(clip, k, parent, photos);
  }

  autoGair(clip: ClipModel, model: string, text: string) {
    return this.deps.concepts.autoGair(clip, model, text);
  }
}
