import { spawn } from 'node:child_process';

import { type CertificateFiles, loadOrCreateCertificates, processTrusts } from './certificateFiles';

/**
 * Node reads NODE_EXTRA_CA_CERTS only at process start, so a script that starts the test bed
 * and talks to it in the same process (the demo, benchmarks) must run with the bed's CA
 * already trusted. Returns the certificates when this process trusts them; otherwise re-runs
 * the same script once with NODE_EXTRA_CA_CERTS and TESTBED_CERT_DIR set, forwards Ctrl-C,
 * exits with the child's code, and never returns.
 */
export async function ensureProcessTrustsTestBed(): Promise<CertificateFiles> {
  const certificates = loadOrCreateCertificates();
  if (processTrusts(certificates.caFile)) return certificates;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: certificates.caFile,
      TESTBED_CERT_DIR: certificates.directory,
    },
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (exitCode, signal) => {
      resolve(exitCode ?? (signal === null ? 1 : 130));
    });
  });
  process.exit(code);
}
