import { deliverNow } from '../../src/internal/host';

describe('deliverNow (the synchronous trampoline)', () => {
  it('runs work at once, with its arguments, when nothing is being delivered', () => {
    const seen: unknown[] = [];
    deliverNow((a: number, b: string) => seen.push(a, b), 1, 'x');
    expect(seen).toEqual([1, 'x']);
  });

  it('passes up to three arguments, now and when queued behind other work', () => {
    const seen: unknown[] = [];
    const three = (a: number, b: string, c: boolean): void => void seen.push([a, b, c]);
    deliverNow(three, 1, 'x', true);
    deliverNow(() => {
      deliverNow(three, 2, 'y', false);
      deliverNow((a: number, b: string) => seen.push([a, b]), 3, 'z');
      seen.push('outer');
    });
    expect(seen).toEqual([[1, 'x', true], 'outer', [2, 'y', false], [3, 'z']]);
  });

  it('runs work delivered during a delivery right after it, in order', () => {
    const order: string[] = [];
    deliverNow(() => {
      order.push('A');
      deliverNow((name: string) => {
        order.push(name);
        deliverNow(() => order.push('D'));
      }, 'B');
      deliverNow(() => order.push('C'));
      order.push('A end');
    });
    expect(order).toEqual(['A', 'A end', 'B', 'C', 'D']);
  });

  it('does not grow the stack with chains of deliveries (200,000 deep would overflow it)', () => {
    let count = 0;
    const step = (n: number): void => {
      count += 1;
      if (n > 0) deliverNow(step, n - 1);
    };
    expect(() => deliverNow(step, 200_000)).not.toThrow();
    expect(count).toBe(200_001);
  });
});
