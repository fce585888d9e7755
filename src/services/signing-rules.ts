/**
 * Which rules a signed request is checked under, built once by the verification service from the
 * settings it is constructed with (one set per use, see VerifyContext.use): the SigV4 profile
 * (path normalisation, UNSIGNED-PAYLOAD, clock skew) and TC3's clock skew.
 */
import { DEFAULT_SIGV4_PROFILE, S3_SIGV4_PROFILE, type SigV4Profile, type SigV4Scope } from '../signing/sigv4.js';
import type { SignedRequestOptions } from '../signing/signed-request.js';

export interface SigningSettings {
  /** SigV4 (all services but s3) and TC3: LATCHKEY_SIGNATURE_MAX_SKEW_SECONDS. */
  maxSkewSeconds: number;
  /** SigV4 for service s3: LATCHKEY_STORAGE_MAX_SKEW_SECONDS. */
  s3MaxSkewSeconds: number;
}

export const DEFAULT_SIGNING_SETTINGS: Readonly<SigningSettings> = Object.freeze({ maxSkewSeconds: 300, s3MaxSkewSeconds: 900 });

export interface SigningRules {
  sigv4: NonNullable<SignedRequestOptions['sigv4']>;
  tc3: NonNullable<SignedRequestOptions['tc3']>;
  /** How long after its request time a header-signed request could still be accepted: what replay protection must remember. */
  windowSeconds: number;
}

/**
 * 'by-service': the tenant's own APIs (/v1/verify, /v1/authorize) — S3's rules for service s3
 * (S3-style paths, UNSIGNED-PAYLOAD allowed), the default rules for every other service.
 * 'strict': Latchkey's own management API — normalised paths and a signed payload hash always,
 * whatever service the client names, so a captured request's body cannot be swapped.
 */
export function signingRules(settings: SigningSettings, use: 'by-service' | 'strict'): SigningRules {
  const standard: Readonly<SigV4Profile> = Object.freeze({ ...DEFAULT_SIGV4_PROFILE, maxSkewSeconds: settings.maxSkewSeconds });
  const s3: Readonly<SigV4Profile> = Object.freeze({ ...S3_SIGV4_PROFILE, maxSkewSeconds: settings.s3MaxSkewSeconds });
  const profile = use === 'strict' ? standard : (scope: SigV4Scope) => (scope.service === 's3' ? s3 : standard);
  const windowSeconds = use === 'strict' ? settings.maxSkewSeconds : Math.max(settings.maxSkewSeconds, settings.s3MaxSkewSeconds);
  return { sigv4: { profile }, tc3: { maxSkewSeconds: settings.maxSkewSeconds }, windowSeconds };
}
