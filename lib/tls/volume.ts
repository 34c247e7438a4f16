/**
 * The TLS Secret as the servers see it: one projected volume that maps the Secret's keys to the
 * names the SSL policies read (see settings.ts). A whole-directory mount (never subPath), so a
 * renewed certificate reaches running pods; with live reload (2025.03+) Neo4j can pick it up.
 */
import type { Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import { TLS_FILES, TLS_MOUNT, type TlsTrust } from './settings.js';

/** Name of the TLS volume in the pod. */
export const TLS_VOLUME = 'tls';

/** Keys of a cert-manager TLS Secret. */
export const TLS_SECRET_KEYS = { certificate: 'tls.crt', privateKey: 'tls.key', ca: 'ca.crt' } as const;

/**
 * The projected volume of Secret `secretName`: `tls.crt` → public.crt, `tls.key` → private.key and,
 * under strict trust, `ca.crt` → trusted/ca.crt (a missing `ca.crt` then keeps the pod from
 * starting with a clear mount error instead of a server that trusts nothing). Under trust-all the
 * Secret may have no `ca.crt`: the server's own certificate goes into trusted/ instead, only so
 * that the trusted directory exists (trust_all accepts any peer anyway). Files are readable by the
 * neo4j group only (the pod's fsGroup).
 */
export function tlsVolume(secretName: string, trust: TlsTrust): Volume {
  const items = [
    { key: TLS_SECRET_KEYS.certificate, path: TLS_FILES.publicCertificate },
    { key: TLS_SECRET_KEYS.privateKey, path: TLS_FILES.privateKey },
    trust.trustAll
      ? { key: TLS_SECRET_KEYS.certificate, path: `${TLS_FILES.trustedDir}/${TLS_FILES.publicCertificate}` }
      : { key: TLS_SECRET_KEYS.ca, path: `${TLS_FILES.trustedDir}/ca.crt` },
  ];
  return { name: TLS_VOLUME, projected: { defaultMode: 0o440, sources: [{ secret: { name: secretName, items } }] } };
}

/** The read-only mount of {@link tlsVolume}. */
export function tlsVolumeMount(): VolumeMount {
  return { name: TLS_VOLUME, mountPath: TLS_MOUNT, readOnly: true };
}

/** The Secret keys a TLS Secret must hold for {@link tlsVolume}. */
export function requiredTlsSecretKeys(trust: TlsTrust): string[] {
  return [TLS_SECRET_KEYS.certificate, TLS_SECRET_KEYS.privateKey, ...(trust.trustAll ? [] : [TLS_SECRET_KEYS.ca])];
}
