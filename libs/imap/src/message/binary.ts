import { decodeTransfer } from './decode';
import { resolvePart } from './section';
import type { MimePart } from './types';

/** The server answers `NO [UNKNOWN-CTE]` for this (RFC 3516 4.3). */
export const UNKNOWN_CTE = 'unknown-cte';

/**
 * BINARY[path] and BINARY.SIZE[path] (RFC 3516 4.1, 4.2): the content of the part with its
 * Content-Transfer-Encoding removed. An empty path is the whole message, as it is. A
 * multipart or message part is given as it is (its encoding can only be 7bit, 8bit or
 * binary: RFC 2045 6.4). A part that does not exist gives an empty Buffer.
 */
export function binarySection(raw: Buffer, tree: MimePart, path: number[]): Buffer | typeof UNKNOWN_CTE {
  if (path.length === 0) return raw;
  const node = resolvePart(tree, path);
  if (!node) return Buffer.alloc(0);
  const body = raw.subarray(node.body.start, node.body.end);
  if (node.contentType.type === 'multipart') return body;
  return decodeTransfer(body, node.encoding) ?? UNKNOWN_CTE;
}
