/**
 * The known names closest to a misspelt one, closest first, at most `limit`: those a few edits away
 * (insert, delete, replace, swap of neighbours; at most a third of the last segment's length, at least
 * one), or the same name with or without a prefix (`email` → `profile.email`). Only the best score.
 */
export function nearestNames(name: string, known: readonly string[], limit = 3): string[] {
  const wanted = name.toLowerCase();
  const lastSegment = wanted.slice(wanted.lastIndexOf('.') + 1);
  const budget = Math.max(1, Math.floor(lastSegment.length / 3));
  const scored: [string, number][] = [];
  for (const candidate of new Set(known)) {
    const lower = candidate.toLowerCase();
    const distance =
      lower.endsWith(`.${wanted}`) || wanted.endsWith(`.${lower}`) ? 0.5 : editDistance(wanted, lower);
    if (distance <= budget) scored.push([candidate, distance]);
  }
  const best = Math.min(...scored.map(([, distance]) => distance));
  return scored
    .filter(([, distance]) => distance === best)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([candidate]) => candidate);
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one substring). */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table = new Uint16Array(rows * columns);
  for (let i = 0; i < rows; i++) table[i * columns] = i;
  for (let j = 0; j < columns; j++) table[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        table[(i - 1) * columns + j]! + 1,
        table[i * columns + j - 1]! + 1,
        table[(i - 1) * columns + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, table[(i - 2) * columns + j - 2]! + 1);
      }
      table[i * columns + j] = best;
    }
  }
  return table[rows * columns - 1]!;
}
