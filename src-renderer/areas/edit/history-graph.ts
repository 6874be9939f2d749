/** A turn as the history graph needs it. */
export interface GraphNode {
  id: number;
  parentId: number | null;
}

/** One row of the history list: the turn, its lane, and what to draw in each lane on this row. */
export interface GraphRow<T extends GraphNode> {
  node: T;
  lane: number;
  /** Lanes with a line in the row's top half (coming from above). */
  up: number[];
  /** Lanes with a straight line in the row's bottom half (going on below). */
  down: number[];
  /** Branch lanes that start at this row's dot: drawn as a curve from the dot into the lane. */
  branches: number[];
}

/**
 * Lays a turn tree out as a history list, git-graph style: turns in depth-first order (first child continues its
 * parent's lane; later children open lanes to the right, drawn from the parent's dot), so every turn is one row with
 * the full-width label, however deep the tree.
 */
export function layoutHistory<T extends GraphNode>(nodes: readonly T[]): { rows: GraphRow<T>[]; lanes: number } {
  const children = new Map<number | null, T[]>();
  for (const n of nodes) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n]);
  const order: { node: T; lane: number }[] = [];
  let lanes = 0;
  const visit = (node: T, lane: number) => {
    order.push({ node, lane });
    (children.get(node.id) ?? []).forEach((child, i) => visit(child, i === 0 ? lane : lanes++));
  };
  for (const root of children.get(null) ?? []) visit(root, lanes++);

  const rowOf = new Map(order.map((o, i) => [o.node.id, i]));
  // Each lane's line runs from where it starts (the parent's row for a branch) to its last turn.
  const spans = new Map<number, { from: number; to: number }>();
  order.forEach(({ node, lane }, row) => {
    const span = spans.get(lane);
    if (span) span.to = row;
    else spans.set(lane, { from: node.parentId === null ? row : rowOf.get(node.parentId)!, to: row });
  });
  const rows = order.map(({ node, lane }, row) => {
    const up: number[] = [];
    const down: number[] = [];
    const branches: number[] = [];
    for (const [l, span] of [...spans].sort((a, b) => a[0] - b[0])) {
      if (span.from < row && row <= span.to) up.push(l);
      if (span.from <= row && row < span.to) (span.from === row && l !== lane ? branches : down).push(l);
    }
    return { node, lane, up, down, branches };
  });
  return { rows, lanes };
}
