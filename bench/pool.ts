/** Running many async jobs with a bound on how many are in flight. */

/** Runs `job(i)` for i in [0, n), at most `limit` at once; results in order. */
export async function mapLimit<T>(
  n: number,
  limit: number,
  job: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < n) {
      const i = next++;
      results[i] = await job(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return results;
}
