/**
 * Prints the plain closing line `N passed, N failed` that CI reads, after
 * jasmine's own summary. Skipped (pending/excluded) specs are counted apart.
 */
let passed = 0;
let failed = 0;
let skipped = 0;

jasmine.getEnv().addReporter({
  specDone(result) {
    if (result.status === 'passed') passed += 1;
    else if (result.status === 'failed') failed += 1;
    else skipped += 1;
  },
  suiteDone(result) {
    // An afterAll failure fails the suite without failing a spec.
    if (result.status === 'failed') failed += 1;
  },
  jasmineDone() {
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  },
});
