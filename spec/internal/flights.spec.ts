import { Flights } from '../../src/internal/flights';

/** Flights with its protected steps opened up. */
class Open extends Flights<{ name: string }> {
  start(n: number, name: string): number {
    return this.flightStarted(n, { name });
  }
  atOnce(id: number): void {
    this.flightTookAtOnce(id);
  }
  land(): { name: string } | null | undefined {
    return this.flightLanded();
  }
}

describe('Flights (writes in flight)', () => {
  it('counts bytes until each callback, oldest first, and gives back what each carried', () => {
    const f = new Open();
    f.start(10, 'a');
    f.start(20, 'b');
    expect(f.inFlight).toBe(30);
    expect(f.land()?.name).toBe('a');
    expect(f.inFlight).toBe(20);
    expect(f.land()?.name).toBe('b');
    expect(f.inFlight).toBe(0);
    expect(f.land()).toBeUndefined(); // none left
  });

  it('stops counting a write the kernel took at once, behind ones still in flight; its callback gives nothing', () => {
    const f = new Open();
    f.start(10, 'a');
    const b = f.start(20, 'b');
    f.atOnce(b);
    expect(f.inFlight).toBe(10);
    expect(f.land()?.name).toBe('a');
    expect(f.land()).toBeNull();
    expect(f.inFlight).toBe(0);
  });

  it('ignores "taken at once" for a write whose callback already came, even once the list was remade', () => {
    const f = new Open();
    const a = f.start(10, 'a');
    f.land(); // a's callback came synchronously: the list is dropped
    f.start(10, 'c'); // and a later write (at a's old place) is in flight
    f.atOnce(a);
    expect(f.inFlight).toBe(10); // c still counts
    expect(f.land()?.name).toBe('c');
  });
});
