/**
 * The longest `authorization` value (`Bearer ` and the token) that is looked at; a longer one is
 * refused before it is parsed or decoded. ZITADEL's access tokens are a few hundred bytes to a
 * few KiB; HTTP stops far larger headers (16 KiB) itself, gRPC metadata and the bus do not.
 */
export const MAX_AUTHORIZATION_LENGTH = 8 * 1024;

/**
 * Whether `token` is a compact JWS (`header.payload.signature`) whose three segments are each in
 * the one spelling base64url allows: its URL-safe alphabet only, no `=` padding, and the unused
 * low bits of the last character zero. jose's decoder also accepts padding and any such bits (it
 * checks only for `+` and `/`), so a signature could be respelled and still verify: one token
 * with several spellings, each of them a fresh entry in the verified-token cache. Decoding and
 * encoding again gives back exactly the segment only when it is spelled that one way.
 */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  return segments.length === 3 && segments.every(isCanonicalBase64url);
}

function isCanonicalBase64url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}
