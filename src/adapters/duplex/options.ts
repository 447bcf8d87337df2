/**
 * {@link ToDuplexOptions}.
 *
 * @module
 */

/**
 * Options of `toDuplex`.
 *
 * @example
 * ```ts
 * const socket = toDuplex(connectTCP(port, '127.0.0.1'), { allowHalfOpen: true });
 * ```
 */
export interface ToDuplexOptions {
  /**
   * Whether the writable side stays open after the peer's end of stream.
   * Default: `false` over an observable — as a `net.Socket` from
   * `net.connect`, it ends its side too once the peer's end is read, so a
   * keep-alive pool sees an idle connection the server closed go away —
   * and `true` over a stream (half-open, as the stream is, for `pipeline()`).
   */
  allowHalfOpen?: boolean;
}
