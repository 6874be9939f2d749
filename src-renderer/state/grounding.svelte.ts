import { GroundedParamsSchema, type Job, type NeighbourInput, type NeighbourView, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';

/** A neighbour in the strip: found for the prompt, pinned by the user, or dropped (a local picture, uploaded). */
export interface StripNeighbour extends NeighbourView {
  key: string;
  pinned: boolean;
  uploadId?: string;
  /** What the strip shows: the library/concept thumbnail or the dropped file itself. */
  src: string | null;
}

const keyOf = (n: NeighbourView) => n.sha256 ?? `${n.source}:${n.itemId ?? n.name}`;

/**
 * The neighbours and knobs of a grounded turn: the strip (found for the prompt, pinned, removed, dropped), γ, η and k.
 * Pinned and dropped neighbours stay when the prompt changes; removed ones are not found again for it.
 */
export class GroundingState {
  neighbours = $state<StripNeighbour[]>([]);
  /** γ: guidance strength of each step. */
  guidance = $state(7.5);
  /** η: the share of text-enhanced steps. */
  eta = $state(0.5);
  k = $state(GroundedParamsSchema.parse({}).k);
  note = $state<string | null>(null);
  finding = $state(false);
  error = $state<Problem | null>(null);
  private removed = new Set<string>();
  private lastPrompt = '';

  constructor(private readonly client: StudioClient) {}

  /** Finds neighbours for the prompt, keeping pinned and dropped ones first. */
  async find(prompt: string): Promise<void> {
    const text = prompt.trim();
    if (!text) return;
    if (text !== this.lastPrompt) this.removed.clear();
    this.lastPrompt = text;
    this.finding = true;
    try {
      const { neighbours, note } = await this.client.call('grounding.neighbours', { prompt: text, k: Math.min(8, this.k + this.removed.size + this.kept().length) });
      const kept = this.kept();
      const taken = new Set(kept.map((n) => n.key));
      const found = neighbours
        .map((n) => ({ ...n, key: keyOf(n), pinned: false, src: n.thumb }))
        .filter((n) => !taken.has(n.key) && !this.removed.has(n.key))
        .slice(0, Math.max(0, this.k - kept.length));
      this.neighbours = [...kept, ...found];
      this.note = note;
      this.error = null;
    } catch (error) {
      this.error = explainError(error);
    } finally {
      this.finding = false;
    }
  }

  private kept(): StripNeighbour[] {
    return this.neighbours.filter((n) => n.pinned);
  }

  togglePin(key: string): void {
    this.neighbours = this.neighbours.map((n) => (n.key === key ? { ...n, pinned: !n.pinned } : n));
  }

  remove(key: string): void {
    this.removed.add(key);
    this.neighbours = this.neighbours.filter((n) => n.key !== key);
  }

  /** A picture of the user's own, dropped onto the strip: uploaded and pinned. */
  async drop(file: File): Promise<void> {
    try {
      const uploadId = await this.client.upload(await file.arrayBuffer());
      if (this.neighbours.some((n) => n.key === uploadId)) return;
      const dropped: StripNeighbour = { key: uploadId, source: 'file', name: file.name, itemId: null, sha256: uploadId, thumb: null, pinned: true, uploadId, src: URL.createObjectURL(file) };
      this.neighbours = [...this.kept(), dropped, ...this.neighbours.filter((n) => !n.pinned)];
      this.error = null;
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** The strip as a turn's neighbours; an empty strip lets the turn find its own. */
  inputs(): NeighbourInput[] | 'auto' {
    const chosen = this.neighbours.flatMap((n): NeighbourInput[] =>
      n.uploadId ? [{ uploadId: n.uploadId, name: n.name }] : n.itemId !== null ? [{ itemId: n.itemId }] : n.sha256 ? [{ sha256: n.sha256, name: n.name }] : [],
    );
    return chosen.length ? chosen : 'auto';
  }

  /** Starts a grounded turn from the project's current turn. */
  start(request: { projectId: number; mode: 'create' | 'edit'; prompt: string; negative: string; steps: number; seed: number }): Promise<Job> {
    return this.client.call('grounding.turn', {
      projectId: request.projectId,
      mode: request.mode,
      prompt: request.prompt,
      negative: request.negative,
      neighbours: this.inputs(),
      params: GroundedParamsSchema.parse({ steps: request.steps, seed: request.seed, guidance: this.guidance, eta: this.eta, k: this.k }),
    });
  }
}
