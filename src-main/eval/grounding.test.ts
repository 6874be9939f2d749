import { describe, expect, it } from 'vitest';
import { evaluateGrounding, groundingMarkdown } from './grounding';

describe('grounding evaluation on the fixture world', () => {
  it('the η curve: the neighbours overwhelm at small η, the text takes over from η = ½', async () => {
    const report = await evaluateGrounding(() => {});
    expect(groundingMarkdown(report)).toMatch(/\| 0\.5 \|/);
    // "Neighbour overwhelming": at small η the output looks like its neighbours; from η = ½ on the text takes over.
    const at = (eta: number) => report.sweep.find((s) => s.eta === eta)!;
    expect(at(0).toNeighbours).toBeGreaterThan(at(1).toNeighbours + 0.05);
    const small = report.sweep.filter((s) => s.eta <= 0.2).map((s) => s.toNeighbours);
    const large = report.sweep.filter((s) => s.eta >= 0.5).map((s) => s.toNeighbours);
    expect(Math.min(...small)).toBeGreaterThan(Math.max(...large));
    expect(report.guidance).toHaveLength(4);
    expect(report.guidance.every((g) => g.unetRowsPerStep === 2)).toBe(true);
  }, 120_000);
});
