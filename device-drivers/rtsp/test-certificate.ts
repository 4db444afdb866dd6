// Test support: a throwaway self-signed certificate for 127.0.0.1, made by openssl at test time, for the wss:// tests of the media gateway.
import { requireTool } from '../test-support.ts';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GatewayTls } from '../../common/contract/gateway.ts';

const OPENSSL = '/usr/bin/openssl';
const OPENSSL_INSTALL_HINT = 'apt-get install -y --no-install-recommends openssl';

/** The rule of requireFfmpeg: missing in CI is an error with the install command; elsewhere a loud warning, and the TLS tests skip. */
export function requireOpenssl(): boolean {
  return requireTool(existsSync(OPENSSL), `openssl is missing (${OPENSSL}): ${OPENSSL_INSTALL_HINT}`, "the media gateway's wss:// tests are");
}

/** A P-256 key and a one-day certificate for 127.0.0.1, ::1 and localhost; nothing is left on disk. */
export function selfSignedCertificate(): GatewayTls {
  const directory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-gateway-tls-'));
  try {
    const keyFile = path.join(directory, 'gateway.key');
    const certificateFile = path.join(directory, 'gateway.pem');
    execFileSync(OPENSSL, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=ioc-wall test media gateway', '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
      '-keyout', keyFile, '-out', certificateFile,
    ], { stdio: 'pipe' });
    return { cert: readFileSync(certificateFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
