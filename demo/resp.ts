/**
 * Writing your own codec, worked example: RESP (the Redis protocol) as a
 * `Codec<Resp>`. The README's "Writing your own codec" shows this file;
 * spec/demo/resp.spec.ts tests it, split byte by byte.
 */
import { Status, StreamError, type Codec, type Decoded } from '../src';

const invalid = (message: string): StreamError => new StreamError(Status.Invalid, message);

/** A RESP value: simple string, error, integer, bulk string (Buffer, or null), array. */
export type Resp = string | Error | number | Buffer | null | Resp[];

const CRLF = Buffer.from('\r\n');

/**
 * A RESP codec. Bulk strings decode as zero-copy views where they lie in one
 * chunk. Bulk strings and lines past `maxLength` bytes error with Invalid.
 *
 * @example
 * ```ts
 * request(stream, resp(), [Buffer.from('PING')]).subscribe((reply) => console.log(reply)); // 'PONG'
 * ```
 */
export function resp(maxLength = 512 * 1024 * 1024): Codec<Resp> {
  return {
    maxLength,
    decoder: () => ({
      // Stateless: a frame split over chunks is parsed again from its start when more bytes come.
      decode(bytes: Buffer, start: number): Decoded<Resp> | null {
        const found = parse(bytes, start, maxLength, 0);
        return found === null ? null : { frame: found[0], consumed: found[1] - start };
      },
    }),
    encode(value: Resp): Buffer {
      const out: Buffer[] = [];
      write(value, out);
      return Buffer.concat(out);
    },
  };
}

/** The value at `at`, and where it ends; null when `b` does not hold all of it yet. */
function parse(b: Buffer, at: number, max: number, depth: number): [Resp, number] | null {
  const eol = b.indexOf(CRLF, at);
  if (eol === -1) {
    if (b.length - at > max) throw invalid('RESP line longer than maxLength');
    return null;
  }
  const line = b.toString('latin1', at + 1, eol);
  const next = eol + 2;
  switch (b[at]) {
    case 0x2b: // +OK
      return [line, next];
    case 0x2d: // -ERR message
      return [new Error(line), next];
    case 0x3a: // :42
      return [Number(line), next];
    case 0x24: {
      // $5\r\nhello\r\n, or $-1\r\n (null)
      const n = Number(line);
      if (n === -1) return [null, next];
      if (!Number.isInteger(n) || n < 0 || n > max) throw invalid(`RESP bulk length ${line}`);
      return b.length < next + n + 2 ? null : [b.subarray(next, next + n), next + n + 2];
    }
    case 0x2a: {
      // *2\r\n<value><value>, or *-1\r\n (null)
      const n = Number(line);
      if (n === -1) return [null, next];
      if (!Number.isInteger(n) || n < 0 || depth > 32) throw invalid(`RESP array ${line}`);
      const items: Resp[] = [];
      let pos = next;
      for (let i = 0; i < n; i += 1) {
        const item = parse(b, pos, max, depth + 1);
        if (item === null) return null;
        items.push(item[0]);
        pos = item[1];
      }
      return [items, pos];
    }
    default:
      throw invalid(`not RESP: type byte ${b[at]}`);
  }
}

function write(value: Resp, out: Buffer[]): void {
  if (value === null) out.push(Buffer.from('$-1\r\n'));
  else if (typeof value === 'number') out.push(Buffer.from(`:${value}\r\n`));
  else if (typeof value === 'string' || value instanceof Error) {
    const text = typeof value === 'string' ? value : value.message;
    if (/[\r\n]/.test(text)) throw invalid('a RESP simple string cannot hold CR or LF');
    out.push(Buffer.from(`${typeof value === 'string' ? '+' : '-'}${text}\r\n`));
  } else if (Buffer.isBuffer(value)) out.push(Buffer.from(`$${value.length}\r\n`), value, CRLF);
  else {
    out.push(Buffer.from(`*${value.length}\r\n`));
    for (const item of value) write(item, out);
  }
}
