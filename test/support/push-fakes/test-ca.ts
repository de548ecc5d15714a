import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

export interface TestCa {
  /** The CA certificate's file: give it to spawned app processes as NODE_EXTRA_CA_CERTS. */
  caPath: string;
  caPem: string;
  /** A certificate for 127.0.0.1 and localhost signed by the CA, with its key, for the fake servers. */
  cert: string;
  key: string;
}

let made: TestCa | undefined;

/**
 * A throw-away CA made with the openssl CLI in a temporary directory, once per test process, valid
 * for a day: nothing long-lived to keep in the repository or to expire there.
 */
export function testCa(): TestCa {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'push-fakes-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=chat-backend test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '1',
    '-extfile',
    file('server.ext'),
  );
  made = {
    caPath: file('ca.pem'),
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    key: readFileSync(file('server.key'), 'utf8'),
  };
  return made;
}

/** Makes this process trust the test CA besides the usual roots (Node >= 22.19). */
export function trustTestCa(): TestCa {
  const ca = testCa();
  const current = getCACertificates('default');
  if (!current.includes(ca.caPem)) setDefaultCACertificates([...current, ca.caPem]);
  return ca;
}
