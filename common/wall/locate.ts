// Finds where a path of a layout lives in its YAML source, through aliases and << merge keys.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './problems.ts';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export class SourceMap {
  constructor(
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of an offset in the source, 1-based. */
  positionOfOffset(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * Position of the value at `path`, or of its key when `key` is set. A path that does not exist in
   * the source (a missing key) resolves to the deepest node that does.
   */
  positionOf(path: readonly PathSegment[], options: { key?: boolean } = {}): Position {
    let node: unknown = this.document.contents;
    let keyNode: unknown;
    for (const segment of path) {
      const next = this.child(node, segment);
      if (next === undefined) break;
      [keyNode, node] = next;
    }
    const target = options.key && keyNode !== undefined ? keyNode : node;
    const range = (target as Node | null)?.range;
    return this.positionOfOffset(range ? range[0] : 0);
  }

  private child(node: unknown, segment: PathSegment, depth = 0): [unknown, unknown] | undefined {
    if (depth > 20) return undefined;
    if (isAlias(node)) return this.child(node.resolve(this.document), segment, depth + 1);
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      return item === undefined ? undefined : [item, item];
    }
    if (!isMap(node)) return undefined;
    const merged: unknown[] = [];
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      if (pair.key.source === '<<') merged.push(pair.value);
      else if (String(pair.key.value) === String(segment)) return [pair.key, pair.value];
    }
    for (const source of merged) {
      const sources = isSeq(source) ? source.items : [source];
      for (const candidate of sources) {
        const found = this.child(candidate, segment, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
}
