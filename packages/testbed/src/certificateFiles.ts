import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateTestCertificates, type TestCertificates, writeTestCertificates } from './tls';

/** The test bed's TLS material and the directory holding it (ca.pem is what clients trust). */
export interface CertificateFiles {
  readonly certs: TestCertificates;
  readonly directory: string;
  readonly caFile: string;
}

/**
 * Reuses the run's certificates when TESTBED_CERT_DIR names them (the vitest global setup, a
 * parent process that already set NODE_EXTRA_CA_CERTS), else generates a throwaway CA now.
 */
export function loadOrCreateCertificates(): CertificateFiles {
  const existing = process.env.TESTBED_CERT_DIR;
  if (existing !== undefined && existsSync(join(existing, 'ca.pem'))) {
    return {
      directory: existing,
      caFile: join(existing, 'ca.pem'),
      certs: {
        caCertPem: readFileSync(join(existing, 'ca.pem'), 'utf8'),
        serverCertPem: readFileSync(join(existing, 'server.pem'), 'utf8'),
        serverKeyPem: readFileSync(join(existing, 'server-key.pem'), 'utf8'),
      },
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'dataverse-testbed-ca-'));
  const certs = generateTestCertificates();
  writeTestCertificates(directory, certs);
  return { directory, caFile: join(directory, 'ca.pem'), certs };
}

/** True when this process was started trusting `caFile` (Node reads the variable at start only). */
export function processTrusts(caFile: string): boolean {
  return process.env.NODE_EXTRA_CA_CERTS === caFile;
}
