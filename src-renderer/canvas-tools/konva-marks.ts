import Konva from 'konva';
import type { Mark, Marks } from './marks';

/** The color marks are painted in; the mask export reads only their coverage (alpha). */
export const MARK_COLOR = '#ff2d7a';

/**
 * Shows a marks document (and the draft in progress) on a Konva layer. Konva only renders: the document and its
 * history live in MarkHistory; nodes are kept per mark object, so a redraw after a stroke touches one node.
 */
export class KonvaMarks {
  private readonly nodes = new Map<Mark, Konva.Shape>();

  constructor(private readonly layer: Konva.Layer) {}

  show(marks: Marks, draft: Mark | null = null): void {
    const wanted = draft ? [...marks, draft] : marks;
    const keep = new Set(wanted);
    for (const [mark, node] of this.nodes) {
      if (keep.has(mark)) continue;
      node.destroy();
      this.nodes.delete(mark);
    }
    wanted.forEach((mark, index) => {
      let node = this.nodes.get(mark);
      if (!node) {
        node = markNode(mark);
        this.nodes.set(mark, node);
        this.layer.add(node);
      } else if (mark === draft) {
        node.setAttrs(markAttrs(mark));
      }
      node.zIndex(index);
    });
    this.layer.batchDraw();
  }
}

/**
 * The layer marks are shown on. Marks are drawn at full strength and the layer's canvas is shown at half opacity by
 * CSS: Konva's own layer opacity would also halve the eraser, which then removes only half of what it crosses (and a
 * half-erased mark still counts as marked in an export of the layer).
 */
export function marksLayer(): Konva.Layer {
  const layer = new Konva.Layer();
  layer.getNativeCanvasElement().style.opacity = '0.5';
  return layer;
}

/** Draws marks onto a fresh layer (for exporting them at another size). */
export function drawMarks(layer: Konva.Layer, marks: Marks): void {
  for (const mark of marks) layer.add(markNode(mark));
}

function markNode(mark: Mark): Konva.Shape {
  const attrs = markAttrs(mark);
  switch (mark.kind) {
    case 'box':
      return new Konva.Rect(attrs);
    case 'image':
      return new Konva.Image(attrs as Konva.ImageConfig);
    default:
      return new Konva.Line(attrs);
  }
}

function markAttrs(mark: Mark): Konva.ShapeConfig {
  switch (mark.kind) {
    case 'box':
      return { x: mark.x, y: mark.y, width: mark.width, height: mark.height, fill: MARK_COLOR };
    case 'lasso':
      return { points: mark.points, fill: MARK_COLOR, stroke: MARK_COLOR, strokeWidth: 1, closed: true };
    case 'image':
      return { image: mark.image as CanvasImageSource, x: 0, y: 0, width: mark.width, height: mark.height };
    case 'stroke': {
      const soft = mark.mode === 'paint' && mark.hardness < 1 ? { shadowColor: MARK_COLOR, shadowBlur: mark.size * (1 - mark.hardness), shadowOpacity: 1 } : {};
      return {
        points: mark.points,
        stroke: MARK_COLOR,
        strokeWidth: mark.size,
        lineCap: 'round',
        lineJoin: 'round',
        globalCompositeOperation: mark.mode === 'erase' ? 'destination-out' : 'source-over',
        ...soft,
      };
    }
  }
}
