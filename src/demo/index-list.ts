/** A sorted list of record indexes, stored compactly or implied (the Everyone group is every user). */
export interface IndexList {
  readonly size: number;
  at(position: number): number;
}

export function listOf(indexes: Uint32Array): IndexList {
  return { size: indexes.length, at: (position) => indexes[position] as number };
}

export function rangeList(size: number): IndexList {
  return { size, at: (position) => position };
}

/** The first position whose index is ≥ `value` (size when none). */
export function lowerBound(list: IndexList, value: number): number {
  let low = 0;
  let high = list.size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list.at(middle) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function includesIndex(list: IndexList, value: number): boolean {
  const position = lowerBound(list, value);
  return position < list.size && list.at(position) === value;
}

const STEPS = [7_919, 104_729, 1_299_709, 15_485_863, 32_452_843, 49_979_687, 67_867_967, 86_028_121];

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x;
}

/**
 * `count` distinct indexes out of [0, population), spread evenly and deterministically from `seedHash`,
 * sorted. A stride coprime with the population visits every index once, so no de-duplication is
 * needed: O(count) time and memory. `accept` can skip indexes (then fewer may come back).
 */
export function pickDistinct(
  count: number,
  population: number,
  seedHash: number,
  accept?: (index: number) => boolean,
): Uint32Array {
  if (population <= 0 || count <= 0) return new Uint32Array(0);
  let step = 1;
  for (let attempt = 0; attempt < STEPS.length; attempt++) {
    const candidate = STEPS[(seedHash + attempt) % STEPS.length] as number;
    if (gcd(candidate % population || population, population) === 1) {
      step = candidate % population || 1;
      break;
    }
  }
  const start = seedHash % population;
  const out: number[] = [];
  for (let j = 0; j < population && out.length < count; j++) {
    const index = (start + j * step) % population;
    if (!accept || accept(index)) out.push(index);
  }
  return Uint32Array.from(out).sort();
}
