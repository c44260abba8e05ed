import { createPrivateKey, X509Certificate } from 'node:crypto';
import http from 'node:http';

import { describe, expect, it } from 'vitest';

import { createClientCertificate } from '../../src/certificates';
import { sendJson, startServer } from '../../src/httpServer';

describe('startServer', () => {
  it('listens on 127.0.0.1 with an OS port and stop() ends even with an idle keep-alive connection', async () => {
    const running = await startServer((_req, res) => {
      sendJson(res, 200, { ok: true });
    });
    expect(running.url).toBe(`http://127.0.0.1:${String(running.port)}`);
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http
        .get(running.url, { agent }, (res) => {
          res.resume();
          res.on('end', () => {
            resolve(res.statusCode);
          });
        })
        .on('error', reject);
    });
    expect(status).toBe(200);
    // Without destroying sockets, server.close() would wait for the agent's idle socket.
    await running.stop();
    expect(running.server.listening).toBe(false);
    agent.destroy();
  });
});

describe('createClientCertificate', () => {
  it('produces a certificate whose thumbprints, key and PEM bundle agree', () => {
    const notAfter = new Date(Date.now() + 7 * 86400_000);
    const certificate = createClientCertificate({ commonName: 'sync-app', notAfter });
    const x509 = new X509Certificate(certificate.certPem);
    expect(x509.subject).toBe('CN=sync-app');
    expect(x509.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(
      certificate.thumbprintSha256Hex,
    );
    expect(x509.fingerprint.replace(/:/g, '').toLowerCase()).toBe(certificate.thumbprintSha1Hex);
    expect(x509.checkPrivateKey(createPrivateKey(certificate.privateKeyPem))).toBe(true);
    expect(new Date(x509.validTo).getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    expect(certificate.pemBundle).toMatch(
      /^-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/,
    );
    expect(Buffer.from(certificate.pfxBase64, 'base64').length).toBeGreaterThan(1000);
  });
});
