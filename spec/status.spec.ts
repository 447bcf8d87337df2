import { Status, StreamKind, StreamState } from '../src';

const sets: [string, Readonly<Record<string, string>>, string[]][] = [
  [
    'Status',
    Status,
    ['OK', 'Invalid', 'WouldBlock', 'StreamClosed', 'SysError', 'TLSError', 'OutOfMemory'],
  ],
  ['StreamState', StreamState, ['Open', 'ShutdownWr', 'Closed', 'Error']],
  ['StreamKind', StreamKind, ['TCP', 'TLSStream', 'Memory', 'IPC']],
];

for (const [name, set, names] of sets) {
  describe(name, () => {
    it('has exactly the seed names', () => {
      expect(Object.keys(set)).toEqual(names);
    });

    it('has each value equal to its name', () => {
      for (const [key, value] of Object.entries(set)) expect(value).withContext(key).toBe(key);
    });

    it('is frozen: values cannot be changed or added', () => {
      expect(Object.isFrozen(set)).toBeTrue();
      const loose = set as Record<string, string>;
      expect(() => {
        loose[names[0]] = 'changed';
      }).toThrowError(TypeError);
      expect(() => {
        loose.Extra = 'Extra';
      }).toThrowError(TypeError);
    });
  });
}
