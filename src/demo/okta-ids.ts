import { hash } from './random.js';

/** Base 62 in ASCII order, so fixed-width encodings sort like the numbers they encode. */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CELL_SUFFIXES = ['0g4', '0g7', '1d7', '0h7', '5d6'];

/** Prefixes Okta uses for object ids. */
export const IdPrefix = {
  user: '00u',
  group: '00g',
  app: '0oa',
  device: 'guo',
  org: '00o',
  userType: 'oty',
  roleAssignment: 'ra1',
  resourceSet: 'iam',
  customRole: 'cr0',
} as const;

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** `width` base-62 characters from (seed, salt, index): five per 32-bit hash (62⁵ < 2³²). */
function noise(seed: number, salt: number, index: number, width: number): string {
  let out = '';
  for (let chunk = 0; out.length < width; chunk++) {
    let h = hash(seed, salt, index, chunk);
    for (let i = 0; i < 5 && out.length < width; i++) {
      out += BASE62[h % 62];
      h = Math.floor(h / 62);
    }
  }
  return out;
}

/**
 * Okta-like 20-character ids (`00u` + 17) that are deterministic and sort (ASCII) in index order:
 * prefix, 3 characters of org, the index in fixed-width base 62, 6 characters of noise, a cell suffix.
 * That makes "order by id" and "order of creation" the same thing, and lets a cursor be found by
 * binary search instead of a map of every id.
 *
 * `twins` lists indexes k whose id is the id of k − 1 with one letter in a different case
 * (k − 1 gets an upper-case letter there, k the lower-case one): ids that differ only in case.
 */
export class OktaIdSequence {
  private readonly head: string;
  private readonly suffix: string;
  private readonly salt: number;

  constructor(
    readonly prefix: string,
    private readonly seed: number,
    private readonly twins: ReadonlySet<number> = new Set(),
  ) {
    this.salt = prefix.charCodeAt(0) * 65536 + prefix.charCodeAt(1) * 256 + prefix.charCodeAt(2);
    this.head = prefix + noise(seed, this.salt, -1, 3);
    this.suffix = CELL_SUFFIXES[hash(seed, this.salt, -2) % CELL_SUFFIXES.length] as string;
  }

  /** The id of the record at `index` (0 ≤ index < 62⁵). */
  at(index: number): string {
    if (this.twins.has(index)) return this.twinOf(index - 1).toLowerCaseVariant;
    if (this.twins.has(index + 1)) return this.twinOf(index).upperCaseVariant;
    return this.head + base62(index, 5) + noise(this.seed, this.salt, index, 6) + this.suffix;
  }

  private twinOf(index: number): { upperCaseVariant: string; toLowerCaseVariant: string } {
    const letter = BASE62[10 + (hash(this.seed, this.salt, index, 99) % 26)] as string;
    const body = this.head + base62(index, 5);
    const tail = noise(this.seed, this.salt, index, 5) + this.suffix;
    return { upperCaseVariant: body + letter + tail, toLowerCaseVariant: body + letter.toLowerCase() + tail };
  }

  /** The smallest index in [0, count) whose id is greater than `id` (count when there is none). */
  indexAfter(id: string, count: number): number {
    let low = 0;
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.at(middle) <= id) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The index whose id is exactly `id` (case-sensitive), or -1. */
  indexOf(id: string, count: number): number {
    const after = this.indexAfter(id, count);
    return after > 0 && this.at(after - 1) === id ? after - 1 : -1;
  }
}

/** A deterministic string of `width` base-62 characters, for request ids, error ids and the like. */
export function opaqueId(seed: number, salt: number, index: number, width: number): string {
  return noise(seed, salt, index, width);
}

/** A deterministic RFC 4122-shaped UUID (version 1 layout, like the System Log's). */
export function uuidFor(seed: number, index: number): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(hash(seed, 0x55, index, 1));
  const b = hex(hash(seed, 0x55, index, 2));
  const c = hex(hash(seed, 0x55, index, 3));
  const d = hex(hash(seed, 0x55, index, 4));
  return `${a}-${b.slice(0, 4)}-1${b.slice(5, 8)}-${(8 + (hash(seed, 0x55, index, 5) % 4)).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}
