import type { ByteRange } from '../../core/recordings/audio-store.port';
import { CallsightError } from '../../core/shared/errors';

/**
 * Parses a single-range `Range: bytes=...` header (RFC 9110 §14.1.2) against a resource of `size` bytes.
 * Returns null when there is no usable Range (absent, another unit, or several ranges: the whole resource is
 * served). Throws RANGE_NOT_SATISFIABLE, with `details.size` for the `Content-Range: bytes * /size` answer, for a
 * syntactically valid range that lies outside the resource.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || start > end) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): CallsightError {
  return new CallsightError('RANGE_NOT_SATISFIABLE', 'The requested range is outside the recording', {
    details: { size },
  });
}
