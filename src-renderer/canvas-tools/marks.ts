/** A point in the canvas's own coordinates (picture pixels for Edit, on-screen pixels of the reference for Search). */
export interface Point {
  x: number;
  y: number;
}

/** A freehand line: `paint` adds to the marked area, `erase` removes from it. Points are flat x, y pairs. */
export interface StrokeMark {
  kind: 'stroke';
  mode: 'paint' | 'erase';
  points: number[];
  size: number;
  /** 1 = hard edge; lower values feather a painted stroke. */
  hardness: number;
}

export interface BoxMark {
  kind: 'box';
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A closed freehand outline, filled. */
export interface LassoMark {
  kind: 'lasso';
  points: number[];
}

/** A stored mask laid down as one mark (a turn's mask for a retry, a reopened search's region). */
export interface ImageMark {
  kind: 'image';
  /** What the renderer draws (a canvas); opaque here so the document stays free of the DOM. */
  image: object;
  width: number;
  height: number;
}

export type Mark = StrokeMark | BoxMark | LassoMark | ImageMark;

/** The document: marks in drawing order, never changed in place once committed. */
export type Marks = readonly Mark[];
