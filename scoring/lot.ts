import { compareIds } from './compare.ts';
import { ScoringError } from './errors.ts';

/**
 * Recorded with every lot so the draw can be redone years later, even after this code has changed:
 * a new algorithm gets a new name, and old rankings keep naming the one that drew them.
 */
export const LOT_ALGORITHM =
  'phasegate-lot-v1: xmur3 hash of the length-prefixed seed and sorted offer ids, sfc32, Fisher-Yates';

/**
 * Draws an order among tied offers from a seed, deterministically and without node:crypto, so the
 * same code runs in a Temporal workflow sandbox and in a verifier's browser.
 *
 * The ids are sorted first, so the draw does not depend on the order offers arrived in. The ids are
 * hashed together with the seed, so two tie groups in one ranking get independent draws from one
 * published seed. The first id of the result wins the lot.
 */
export function drawLot(seed: string, offerIds: readonly string[]): string[] {
  const draw = [...offerIds].sort(compareIds);
  for (let i = 1; i < draw.length; i++) {
    if (draw[i] === draw[i - 1]) {
      throw new ScoringError('invalid-input', `offer ${draw[i]} appears twice in one lot`, {
        offerId: draw[i],
      });
    }
  }
  const next = seededGenerator(lotKey(seed, draw));
  for (let i = draw.length - 1; i > 0; i--) {
    const j = uniformBelow(next, i + 1);
    const picked = draw[j]!;
    draw[j] = draw[i]!;
    draw[i] = picked;
  }
  return draw;
}

/** Length prefixes keep ("ab", ["c"]) and ("a", ["bc"]) apart, whatever characters ids contain. */
function lotKey(seed: string, sortedOfferIds: readonly string[]): string {
  let key = `${seed.length}:${seed}`;
  for (const id of sortedOfferIds) key += `|${id.length}:${id}`;
  return key;
}

/** An integer in [0, bound) without modulo bias: draws that fall in the uneven top slice are redrawn. */
function uniformBelow(next: () => number, bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const value = next();
    if (value < limit) return value % bound;
  }
}

/**
 * xmur3 spreads the key over four 32-bit words (MurmurHash3's mixing), which seed sfc32, a small fast
 * generator that passes PractRand. Both are integer-only, so every JavaScript engine gives the same bits.
 */
function seededGenerator(key: string): () => number {
  let h = 1779033703 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const word = (): number => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
  let a = word();
  let b = word();
  let c = word();
  let d = word();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // sfc32's first outputs still echo the seed words; the customary warm-up discards them.
  for (let i = 0; i < 15; i++) next();
  return next;
}
