import type * as MlMatrix from 'ml-matrix';
import type { Matrix } from 'ml-matrix';
import { lazyModule } from '../shared/lazy-module';
import { SeededRandom } from '../shared/rng';

// Loaded when a concept is first taught, not at startup.
const mlMatrix = lazyModule<typeof MlMatrix>('ml-matrix');

/**
 * CMA-ES, (μ/μ_w, λ) with rank-one and rank-μ covariance updates and cumulative step-size adaptation, following
 * Hansen's tutorial ("The CMA Evolution Strategy: A Tutorial", 2016) and its default parameters. Deterministic for a
 * seed. Used to optimize a concept token without gradients (the ONNX text encoder only runs forward).
 */
export interface CmaOptions {
  /** Initial step size. */
  sigma: number;
  seed: number;
  /** Population size λ (default 4 + ⌊3 ln n⌋). */
  lambda?: number;
}

export class CmaEs {
  readonly n: number;
  readonly lambda: number;
  private readonly mu: number;
  private readonly weights: number[];
  private readonly mueff: number;
  private readonly cc: number;
  private readonly cs: number;
  private readonly c1: number;
  private readonly cmu: number;
  private readonly damps: number;
  private readonly chiN: number;
  private mean: number[];
  sigma: number;
  private pc: number[];
  private ps: number[];
  private C: Matrix;
  private B: Matrix;
  private D: number[];
  private eigenAt = 0;
  private evaluations = 0;
  private readonly rng: SeededRandom;
  /** Best point seen and its value. */
  best: { x: number[]; value: number } = { x: [], value: Infinity };

  constructor(x0: number[], options: CmaOptions) {
    const n = x0.length;
    this.n = n;
    this.lambda = options.lambda ?? 4 + Math.floor(3 * Math.log(n));
    this.mu = Math.floor(this.lambda / 2);
    const raw = Array.from({ length: this.mu }, (_, i) => Math.log(this.mu + 0.5) - Math.log(i + 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / sum);
    this.mueff = 1 / this.weights.reduce((a, w) => a + w * w, 0);
    this.cc = (4 + this.mueff / n) / (n + 4 + (2 * this.mueff) / n);
    this.cs = (this.mueff + 2) / (n + this.mueff + 5);
    this.c1 = 2 / ((n + 1.3) ** 2 + this.mueff);
    this.cmu = Math.min(1 - this.c1, (2 * (this.mueff - 2 + 1 / this.mueff)) / ((n + 2) ** 2 + this.mueff));
    this.damps = 1 + 2 * Math.max(0, Math.sqrt((this.mueff - 1) / (n + 1)) - 1) + this.cs;
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.mean = [...x0];
    this.sigma = options.sigma;
    this.pc = new Array(n).fill(0);
    this.ps = new Array(n).fill(0);
    this.C = mlMatrix.Matrix.eye(n);
    this.B = mlMatrix.Matrix.eye(n);
    this.D = new Array(n).fill(1);
    this.rng = new SeededRandom(options.seed);
  }

  get evaluated(): number {
    return this.evaluations;
  }

  get center(): number[] {
    return [...this.mean];
  }

  /** λ new candidates: m + σ·B·D·z, z ~ N(0, I). */
  ask(): number[][] {
    return Array.from({ length: this.lambda }, () => {
      const z = this.rng.normals(this.n);
      const y = new Array<number>(this.n).fill(0);
      for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) y[i]! += this.B.get(i, j) * this.D[j]! * z[j]!;
      return y.map((v, i) => this.mean[i]! + this.sigma * v);
    });
  }

  /** Updates the distribution from the candidates' values (lower is better). */
  tell(candidates: number[][], values: number[]): void {
    const n = this.n;
    this.evaluations += candidates.length;
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    if (order[0]![0] < this.best.value) this.best = { x: [...candidates[order[0]![1]]!], value: order[0]![0] };
    const old = this.mean;
    const selected = order.slice(0, this.mu).map(([, i]) => candidates[i]!);
    this.mean = new Array<number>(n).fill(0);
    selected.forEach((x, k) => x.forEach((v, i) => (this.mean[i]! += this.weights[k]! * v)));
    const step = this.mean.map((m, i) => (m - old[i]!) / this.sigma);

    // C^{-1/2}·step = B·D^{-1}·Bᵀ·step
    const bt = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) bt[j]! += this.B.get(i, j) * step[i]!;
    const invSqrt = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) invSqrt[i]! += (this.B.get(i, j) * bt[j]!) / this.D[j]!;
    const csFactor = Math.sqrt(this.cs * (2 - this.cs) * this.mueff);
    this.ps = this.ps.map((p, i) => (1 - this.cs) * p + csFactor * invSqrt[i]!);
    const psNorm = Math.sqrt(this.ps.reduce((a, p) => a + p * p, 0));
    const hsig = psNorm / Math.sqrt(1 - (1 - this.cs) ** ((2 * this.evaluations) / this.lambda)) / this.chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    const ccFactor = Math.sqrt(this.cc * (2 - this.cc) * this.mueff);
    this.pc = this.pc.map((p, i) => (1 - this.cc) * p + hsig * ccFactor * step[i]!);

    const artmp = selected.map((x) => x.map((v, i) => (v - old[i]!) / this.sigma));
    const next = new mlMatrix.Matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        artmp.forEach((a, k) => (rankMu += this.weights[k]! * a[i]! * a[j]!));
        const value =
          (1 - this.c1 - this.cmu) * this.C.get(i, j) +
          this.c1 * (this.pc[i]! * this.pc[j]! + (1 - hsig) * this.cc * (2 - this.cc) * this.C.get(i, j)) +
          this.cmu * rankMu;
        next.set(i, j, value);
        next.set(j, i, value);
      }
    }
    this.C = next;
    this.sigma *= Math.exp((this.cs / this.damps) * (psNorm / this.chiN - 1));
    // Decompose C = B·D²·Bᵀ now and then (O(n³), amortized as in the tutorial).
    if (this.evaluations - this.eigenAt > this.lambda / (this.c1 + this.cmu) / n / 10) {
      this.eigenAt = this.evaluations;
      const eig = new mlMatrix.EigenvalueDecomposition(this.C, { assumeSymmetric: true });
      this.B = eig.eigenvectorMatrix;
      this.D = eig.realEigenvalues.map((v) => Math.sqrt(Math.max(v, 1e-20)));
    }
  }
}

/** Runs CMA-ES on f until `maxEvaluations` or f < `target`; returns the best point. */
export function minimize(f: (x: number[]) => number, x0: number[], options: CmaOptions & { maxEvaluations: number; target?: number }): { x: number[]; value: number; evaluations: number } {
  const es = new CmaEs(x0, options);
  while (es.evaluated < options.maxEvaluations && es.best.value > (options.target ?? -Infinity)) {
    const xs = es.ask();
    es.tell(xs, xs.map(f));
  }
  return { ...es.best, evaluations: es.evaluated };
}
