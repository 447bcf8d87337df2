/**
 * rxstream/testing: the marble test kit. A scripted peer over an in-memory
 * transport, driven by the test's `TestScheduler`, to test protocol code
 * built on rxstream without sockets: script what the peer sends and when,
 * inject resets, TLS errors and WouldBlock windows, and assert what the code
 * wrote and how the stream's state went, in marble form.
 *
 * @packageDocumentation
 */
export { createTestPeer, TestPeer } from './test-peer';
export type { TestPeerOptions, PeerInput } from './test-peer';
export { ScriptedTransport, STREAM_DESTROYED } from './scripted-transport';
export {
  sysError,
  tlsError,
  outOfMemoryError,
  renegotiationStart,
  renegotiationEnd,
  renegotiationFailed,
  stopReading,
  startReading,
  peerClosed,
  fail,
  failNextWrite,
  isPeerAction,
} from './peer-actions';
export type { CodedError, PeerAction } from './peer-actions';
export { bytes } from './bytes';
export { splitAt, chunkMarbles, decodeFrames, decoded, streamErrorLike } from './framing';
export type {
  ChunkMarblesOptions,
  DecodedFrames,
  StreamErrorPattern,
  StreamErrorMatcher,
} from './framing';
