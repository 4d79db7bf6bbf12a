import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A freshly generated self-signed certificate for the emulator's TLS mode, and where its PEM was written. */
export interface EmulatorCertificate {
  /** The certificate in PEM form; it is its own CA, so clients trust it by adding exactly this PEM. */
  certPem: string;
  keyPem: string;
  /** A temp file holding certPem, for NODE_EXTRA_CA_CERTS / AWS_CA_BUNDLE. */
  caPath: string;
  /** Deletes the temp file. */
  remove(): void;
}

/**
 * Generates a certificate for 127.0.0.1, ::1 and localhost valid for a day. A new key per start: nothing
 * secret is kept on disk beyond the emulator's lifetime, and no test can come to depend on a fixed cert.
 */
export async function generateEmulatorCertificate(): Promise<EmulatorCertificate> {
  // Loaded only in TLS mode, so the plain emulator (and Quarry's startup) does not pay for the X.509 stack.
  const { generate } = await import("selfsigned");
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "quarry-emulator" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "quarry-emulator-tls-"));
  const caPath = join(dir, "ca.pem");
  writeFileSync(caPath, pems.cert);
  return {
    certPem: pems.cert,
    keyPem: pems.private,
    caPath,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
