import type { GroundedRecipe, GroundedTurn, JobOf, NeighbourView } from '@contract';
import { neighbourView, type GroundedRun, type Grounding } from '../grounding/grounding';
import type { GroundedTurns } from '../grounding/turns';

/** Grounded generation: neighbours for a prompt, grounded turns in edit projects, grounded runs and replays. */
export class GroundingService {
  constructor(
    private readonly grounding: Grounding,
    private readonly turns: GroundedTurns,
  ) {}

  /** The k neighbours of a prompt as the Edit area's strip shows them. */
  async neighbours(prompt: string, k: number): Promise<{ neighbours: NeighbourView[]; note: string | null }> {
    const { neighbours, note } = await this.grounding.retrieve(prompt, k);
    return { neighbours: neighbours.map(neighbourView), note };
  }

  /** The neighbours of a prompt with their files (for the CLI and tests). */
  retrieve(prompt: string, k: number) {
    return this.grounding.retrieve(prompt, k);
  }

  runTurn(request: GroundedTurn): JobOf<'edit.turn'> {
    return this.turns.run(request);
  }

  recipe(turnId: number): Promise<GroundedRecipe> {
    return this.turns.recipe(turnId);
  }

  /** A grounded creation or edit outside any project (the CLI's `generate` and `edit --ground`). */
  run(request: GroundedRun, options?: Parameters<Grounding['run']>[1]) {
    return this.grounding.run(request, options);
  }

  replay(recipe: unknown) {
    return this.grounding.replay(recipe);
  }
}
