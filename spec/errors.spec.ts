import {
  ErrorCode,
  STATUS_BY_NODE_CODE,
  Status,
  StreamError,
  TLS_CODE_PREFIXES,
  statusOf,
} from '../src';
import { toStreamError } from '../src/errors';

const allStatuses = Object.values(Status);

function nodeError(code: string): Error {
  return Object.assign(new Error(`failed: ${code}`), { code });
}

describe('StreamError', () => {
  const expectedCode: Record<Status, ErrorCode> = {
    OK: ErrorCode.IO,
    Invalid: ErrorCode.Invalid,
    WouldBlock: ErrorCode.IO,
    StreamClosed: ErrorCode.Closed,
    SysError: ErrorCode.IO,
    TLSError: ErrorCode.IO,
    OutOfMemory: ErrorCode.IO,
  };
  for (const status of allStatuses) {
    it(`carries status ${status} with code ${expectedCode[status]}`, () => {
      const e = new StreamError(status, 'text');
      expect(e.status).toBe(status);
      expect(e.code).toBe(expectedCode[status]);
    });
  }

  it('is an Error named StreamError with its message', () => {
    const e = new StreamError(Status.SysError, 'boom');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('StreamError');
    expect(e.message).toBe('boom');
    expect(String(e)).toBe('StreamError: boom');
  });

  it('keeps the underlying error as the native cause, and has none without one', () => {
    const cause = nodeError('ECONNRESET');
    expect(new StreamError(Status.SysError, 'x', cause).cause).toBe(cause);
    expect('cause' in new StreamError(Status.SysError, 'x')).toBeFalse();
  });

  it('numbers its codes as the seed: IO 1, Closed 2, Invalid 3 (frozen)', () => {
    expect(ErrorCode).toEqual({ IO: 1, Closed: 2, Invalid: 3 });
    expect(Object.isFrozen(ErrorCode)).toBeTrue();
  });

  it('is recognised by StreamError.is, also from another copy of the library', () => {
    const fromOtherCopy: unknown = { [Symbol.for('rxstream.StreamError')]: true };
    expect(StreamError.is(new StreamError(Status.Invalid, 'x'))).toBeTrue();
    expect(StreamError.is(fromOtherCopy)).toBeTrue();
  });

  it('is not fooled by other errors or values', () => {
    const others: unknown[] = [
      new Error('x'),
      nodeError('EPIPE'),
      null,
      undefined,
      'StreamError',
      2,
      {},
    ];
    for (const value of others)
      expect(StreamError.is(value)).withContext(String(value)).toBeFalse();
  });
});

describe('statusOf', () => {
  it('has only Status values in its table, and the table is frozen', () => {
    expect(Object.isFrozen(STATUS_BY_NODE_CODE)).toBeTrue();
    for (const status of Object.values(STATUS_BY_NODE_CODE)) expect(allStatuses).toContain(status);
  });

  for (const [code, status] of Object.entries(STATUS_BY_NODE_CODE)) {
    it(`maps ${code} to ${status}`, () => {
      expect(statusOf(nodeError(code))).toBe(status);
      expect(statusOf({ code })).toBe(status);
    });
  }

  for (const prefix of TLS_CODE_PREFIXES) {
    it(`maps any ${prefix}* code to TLSError`, () => {
      expect(statusOf(nodeError(`${prefix}WRONG_VERSION_NUMBER`))).toBe(Status.TLSError);
      expect(statusOf(nodeError(`${prefix}X`))).toBe(Status.TLSError);
    });
  }

  it('covers ERR_SSL_ and ERR_TLS_ among the TLS prefixes', () => {
    expect([...TLS_CODE_PREFIXES].sort()).toEqual(['ERR_SSL_', 'ERR_TLS_']);
  });

  it('maps an OpenSSL error (library field) to TLSError', () => {
    const e = Object.assign(new Error('wrong version number'), {
      library: 'SSL routines',
      reason: 'wrong version number',
    });
    expect(statusOf(e)).toBe(Status.TLSError);
  });

  it('maps a failed allocation (RangeError) to OutOfMemory, other RangeErrors to SysError', () => {
    expect(statusOf(new RangeError('Array buffer allocation failed'))).toBe(Status.OutOfMemory);
    expect(statusOf(new RangeError('offset is out of range'))).toBe(Status.SysError);
  });

  it('maps anything unknown to SysError', () => {
    const unknowns: unknown[] = [
      nodeError('EWHATEVER'),
      new Error('no code'),
      { code: 42 },
      { code: 'ERR_SS' },
      null,
      undefined,
      'ECONNRESET',
      7,
    ];
    for (const value of unknowns)
      expect(statusOf(value)).withContext(String(value)).toBe(Status.SysError);
  });
});

describe('toStreamError', () => {
  it('wraps a Node error with its mapped status, code and cause', () => {
    const cause = nodeError('CERT_HAS_EXPIRED');
    const e = toStreamError(cause, 'handshake');
    expect(StreamError.is(e)).toBeTrue();
    expect([e.status, e.code]).toEqual([Status.TLSError, ErrorCode.IO]);
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('handshake');
  });

  it('returns a StreamError as it is', () => {
    const original = new StreamError(Status.StreamClosed, 'end');
    expect(toStreamError(original, 'ignored')).toBe(original);
  });
});
