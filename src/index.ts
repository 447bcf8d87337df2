/**
 * rxstream: one reactive byte-stream interface over TCP sockets, TLS
 * sessions, Unix sockets and in-memory pairs, for RxJS on Node.js. The RxJS port of the
 * m2stream module: docs/m2stream.md maps each of its names to rxstream's.
 *
 * @packageDocumentation
 */
// One export list per API reference page (npm run docs): what a page shows is what is exported.
export * from './concepts/streams';
export * from './concepts/helpers';
export * from './concepts/codecs';
