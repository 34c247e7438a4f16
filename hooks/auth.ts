/**
 * Bearer-token check for `/hooks/*`. Both sides are hashed first so the comparison takes the
 * same time whatever the presented token's length or content.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A predicate accepting exactly `Authorization: Bearer <token>`. */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const expected = digest(`Bearer ${token}`);
  return (header) => timingSafeEqual(digest(header ?? ''), expected);
}
