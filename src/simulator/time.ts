/** Time helpers: the simulator emits ISO datetimes with `Z` (the SDK rejects offset-less ones). */

export const DAY_MS = 86_400_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
