import { generate } from 'selfsigned';

export interface TestCertificate {
  key: string;
  cert: string;
}

/** A self-signed certificate for the given DNS names (the first is the common name); trust it by passing `cert` as a CA. */
export async function selfSignedCertificate(names: string[]): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: names[0] }], {
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
