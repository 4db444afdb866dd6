// The small JSONPath subset telemetry decoders use to find a value: $, .name, ['name'] and [index], nothing else.

/** One step into a JSON value: an object member name or an array index. */
export type JsonPathSegment = string | number;

/** A path outside the subset; the message names the offending position and what is allowed. */
export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

const DOT_NAME = /^\.([A-Za-z_$][A-Za-z0-9_$-]*)/;
const QUOTED_NAME = /^\[(?:'([^'\\]*)'|"([^"\\]*)")\]/;
const INDEX = /^\[(0|[1-9][0-9]{0,8})\]/;
const ALLOWED = "write $ then any of .name, ['name'] or [index], e.g. $.data.level or $.readings[0].value";

export function parseJsonPath(path: string): JsonPathSegment[] {
  if (!path.startsWith('$')) throw new JsonPathError(`JSONPath '${path}' must start with '$': ${ALLOWED}`);
  const segments: JsonPathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const position = path.length - rest.length;
    const dotName = DOT_NAME.exec(rest);
    const quotedName = dotName ? null : QUOTED_NAME.exec(rest);
    const index = dotName || quotedName ? null : INDEX.exec(rest);
    const match = dotName ?? quotedName ?? index;
    if (!match) {
      // Wildcards, recursive descent, filters and slices could select several values; a sample needs exactly one.
      throw new JsonPathError(`JSONPath '${path}' is not supported at character ${position + 1} ('${rest}'): ${ALLOWED}`);
    }
    if (dotName) segments.push(dotName[1]!);
    else if (quotedName) segments.push((quotedName[1] ?? quotedName[2])!);
    else segments.push(Number(index![1]));
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/** The value at `segments`, or undefined when any step is missing. Own members only, so '$.constructor' finds nothing. */
export function valueAt(root: unknown, segments: readonly JsonPathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return undefined;
      current = current[segment];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** Returns `root` with `value` written at `segments`, creating objects and arrays on the way (the encoder's inverse of valueAt). */
export function withValueAt(root: unknown, segments: readonly JsonPathSegment[], value: unknown): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  if (typeof head === 'number') {
    const array: unknown[] = Array.isArray(root) ? [...(root as unknown[])] : [];
    while (array.length < head) array.push(null);
    array[head] = withValueAt(array[head], rest, value);
    return array;
  }
  const record: Record<string, unknown> = typeof root === 'object' && root !== null && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  record[head] = withValueAt(record[head], rest, value);
  return record;
}
