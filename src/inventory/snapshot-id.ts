/**
 * A snapshot's folder name: the UTC start time to the second, `2026-11-29T153510Z`, with `-2`, `-3`, …
 * appended when a folder of that name already exists. No colons, so it is a valid Windows file name;
 * it sorts in time order as text except for the rare suffix, which `compareSnapshotIds` handles.
 */
export const SNAPSHOT_ID_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{6}Z)(?:-(\d+))?$/;

/** The id for a run that started at `date`, before any collision suffix. */
export function formatSnapshotId(date: Date): string {
  const iso = date.toISOString(); // 2026-11-29T15:35:10.123Z
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** `base` with collision suffix `n` (1 means no suffix). */
export function withCollisionSuffix(base: string, n: number): string {
  return n <= 1 ? base : `${base}-${n}`;
}

export function isSnapshotId(name: string): boolean {
  return SNAPSHOT_ID_PATTERN.test(name);
}

/** Orders ids oldest first: by time, then by collision suffix (numerically, so `-10` comes after `-9`). */
export function compareSnapshotIds(a: string, b: string): number {
  const [, timeA = a, suffixA = '1'] = SNAPSHOT_ID_PATTERN.exec(a) ?? [];
  const [, timeB = b, suffixB = '1'] = SNAPSHOT_ID_PATTERN.exec(b) ?? [];
  if (timeA !== timeB) return timeA < timeB ? -1 : 1;
  return Number(suffixA) - Number(suffixB);
}
