/**
 * The tiny wire protocol between the measured side and the peer process.
 *
 * Source and sink connections start with an 8-byte little-endian byte count.
 * A source then sends that many bytes and ends; a sink reads that many bytes
 * and answers with one {@link ACK} byte. Echo connections echo everything.
 */

/** Length of the request header. */
export const HEADER_BYTES = 8;
/** The byte a sink sends once it has received everything. */
export const ACK = 0x4b;
/** Size of each write the measured side's send rows make (what a user's bulk write looks like). */
export const SOURCE_CHUNK = 64 * 1024;
/**
 * Size of each write the peer's bulk source makes: large, so that the
 * sender is not what a receive row measures. With 64 KiB writes the peer's
 * Node sender capped every receiver at ~1.4 GB/s here, so raw 'data',
 * raw `onread` and rxstream all measured the sender (1.0× each); with 1 MiB
 * writes 'data' reaches ~3.2 GB/s and `onread` ~5 GB/s on this machine.
 */
export const SOURCE_WRITE = 1024 * 1024;
/** Loopback only. */
export const HOST = '127.0.0.1';

/** The header asking a source for (or announcing to a sink) `bytes` bytes. */
export function encodeRequest(bytes: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.writeBigUInt64LE(BigInt(bytes));
  return b;
}

/** The byte count in a complete header. */
export function decodeRequest(header: Buffer): number {
  return Number(header.readBigUInt64LE(0));
}

/** A payload buffer with a recognisable, non-zero pattern. */
export function payload(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** A line-framed source chunk: 655 lines of 99 bytes + `\n` (65,500 bytes). */
export const LINES_CHUNK: Buffer = (() => {
  const line = Buffer.alloc(100, 0x61);
  line[99] = 0x0a;
  return Buffer.concat(Array.from({ length: 655 }, () => line));
})();

/** A length-prefixed source chunk: 64 frames of a 4-byte big-endian length + 1,020 bytes (64 KiB). */
export const FRAMES_CHUNK: Buffer = (() => {
  const frame = Buffer.alloc(1024, 0x62);
  frame.writeUInt32BE(1020, 0);
  return Buffer.concat(Array.from({ length: 64 }, () => frame));
})();
