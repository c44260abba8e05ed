import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateTestCertificates, writeTestCertificates } from '@dataverse-s2s/testbed';

/**
 * Generates the run's throwaway CA before any test worker starts, and trusts it through
 * NODE_EXTRA_CA_CERTS. Node reads that variable at process start, so it only reaches the
 * worker processes vitest forks after this point (pool: forks), which is exactly where the
 * Azure SDK clients and axios run. Test beds started by the tests reuse these certificates
 * (TESTBED_CERT_DIR) so that every HTTPS stand-in is trusted.
 */
export default function setup(): () => void {
  const directory = mkdtempSync(join(tmpdir(), 'dataverse-testbed-ca-'));
  writeTestCertificates(directory, generateTestCertificates());
  process.env.NODE_EXTRA_CA_CERTS = join(directory, 'ca.pem');
  process.env.TESTBED_CERT_DIR = directory;
  return () => {
    rmSync(directory, { recursive: true, force: true });
  };
}
