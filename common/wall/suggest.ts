// "Did you mean" hints: the closest known name to a mistyped one, by edit distance.

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(
        distance[row - 1]![column]! + 1,
        distance[row]![column - 1]! + 1,
        distance[row - 1]![column - 1]! + cost,
      );
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        best = Math.min(best, distance[row - 2]![column - 2]! + 1);
      }
      distance[row]![column] = best;
    }
  }
  return distance[a.length]![b.length]!;
}

/** The known name closest to `wanted`, if it is close enough to be a likely typo. */
export function closestName(wanted: string, known: Iterable<string>): string | undefined {
  const folded = wanted.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    if (name === wanted) continue;
    const candidate = name.toLowerCase();
    // A name that extends or shortens another (normal_mode for normal) is as likely a slip as a typo.
    const prefixed = Math.min(folded.length, candidate.length) >= 3 && (folded.startsWith(candidate) || candidate.startsWith(folded));
    const distance = candidate === folded ? 0 : prefixed ? 1 : editDistance(folded, candidate);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  return bestDistance <= allowed ? best : undefined;
}
