import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const CERTS = fileURLToPath(new URL('./certs/', import.meta.url));

/**
 * A CA and a server certificate for 127.0.0.1 and localhost it signed, kept under ./certs, valid
 * until 2126. Kept, not made at test time: a test machine need not have openssl. The CA's own key
 * was thrown away once it signed, so nothing else can be signed by it; the server key is for the
 * tests' fake servers only.
 */
export function testCa(): TestCa {
  if (made) return made;
  const read = (name: string) => readFileSync(join(CERTS, name), 'utf8');
  made = { caPath: join(CERTS, 'ca.pem'), caPem: read('ca.pem'), cert: read('server.pem'), key: read('server.key') };
  return made;
}

/** Makes this process trust the test CA besides the usual roots (Node >= 22.19). */
export function trustTestCa(): TestCa {
  const ca = testCa();
  const current = getCACertificates('default');
  if (!current.includes(ca.caPem)) setDefaultCACertificates([...current, ca.caPem]);
  return ca;
}
