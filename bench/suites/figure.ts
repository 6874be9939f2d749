/** One number a suite reports, with its unit and, where the project set one, its target. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}
