// Plain helpers shared by several function modules. Because more than one
// entry point imports this file, esbuild (splitting: true) moves it into a
// shared chunk under `_deps/`. The CLI also bundles this file as its own
// entry module (`lib/helpers.js`), which exports no Convex functions.

export const DEFAULT_TAKE = 10;

export function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

export function formatMessage(m: { author: string; body: string; channel: string }): string {
  return `[#${m.channel}] ${m.author}: ${m.body}`;
}

export function sumLikes(docs: Array<{ likes?: number }>): number {
  let total = 0;
  for (const d of docs) total += d.likes ?? 0;
  return total;
}
