import { Fifo } from '../../src/internal/fifo';

describe('Fifo', () => {
  it('hands items out in order across growth and wrap-around', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps while the ring grows past 16 slots.
    for (let round = 0; round < 50; round += 1) {
      for (let i = 0; i < (round % 7) + 3; i += 1) q.push(next++);
      for (let i = 0; i < 2 && q.length > 0; i += 1) out.push(q.shift() as number);
    }
    while (q.length > 0) out.push(q.shift() as number);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
  });

  it('drops every item on clear', () => {
    const q = new Fifo<string>();
    q.push('a');
    q.push('b');
    q.clear();
    expect(q.length).toBe(0);
    q.push('c');
    expect(q.shift()).toBe('c');
  });
});
