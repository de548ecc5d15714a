// Ends the run with the plain line CI reads: `N passed, N failed`. Written when the process exits,
// so it stays the last line whatever Jest prints after its summary.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
