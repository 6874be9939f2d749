import { SeededRandom } from '../../src-main/engine/shared/rng';

/** The engine's seeded PRNG (mulberry32), with the helpers fixture generators use, so fixtures are identical everywhere. */
export class Random extends SeededRandom {
  next(): number {
    return this.uniform();
  }

  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal (Box–Muller, one value per pair of uniforms). */
  gaussian(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
