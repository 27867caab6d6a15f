import { JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';

interface IssuerKey {
  kid: string;
  alg: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

/**
 * A minimal OpenID Connect issuer on 127.0.0.1 for the tests: a discovery document, a JWKS whose
 * keys the test controls (rotation), and token signing with any of its keys.
 */
export class JwksIssuer {
  private keys: IssuerKey[] = [];
  jwksRequests = 0;
  /** Every path asked for, in order. */
  readonly requestedPaths: string[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<JwksIssuer> {
    let issuer: JwksIssuer | undefined;
    const server = createServer((request, response) => issuer!.handle(request.url ?? '', response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    issuer = new JwksIssuer(server, `http://127.0.0.1:${port}`);
    return issuer;
  }

  /** Generates a key; `publish: false` keeps it out of the JWKS until `publish(kid)`. */
  async addKey(kid: string, alg = 'RS256', options: { publish?: boolean } = {}): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const key: IssuerKey = { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
    this.keys.push(key);
    if (options.publish === false) this.hidden.add(kid);
  }

  private readonly hidden = new Set<string>();

  publish(kid: string): void {
    this.hidden.delete(kid);
  }

  /** The public JWK of one of its keys. */
  publicJwk(kid: string): JWK {
    return this.key(kid).publicJwk;
  }

  /** `header` adds protected header fields (or replaces `kid`); `issuedAt` and `notBefore` are epoch seconds. */
  async sign(
    kid: string,
    claims: Record<string, unknown>,
    options: { expiresIn?: string; issuer?: string; audience?: string; issuedAt?: number; notBefore?: number; header?: Record<string, unknown> } = {},
  ): Promise<string> {
    const key = this.key(kid);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid, ...options.header })
      .setSubject('issuer-user')
      .setIssuer(options.issuer ?? this.url)
      .setIssuedAt(options.issuedAt)
      .setExpirationTime(options.expiresIn ?? '1h');
    if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
    if (options.audience) jwt.setAudience(options.audience);
    return jwt.sign(key.privateKey);
  }

  private key(kid: string): IssuerKey {
    const key = this.keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    return key;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(path: string, response: import('node:http').ServerResponse): void {
    this.requestedPaths.push(path);
    response.setHeader('content-type', 'application/json');
    if (path === '/.well-known/openid-configuration') {
      response.end(JSON.stringify({ issuer: this.url, jwks_uri: `${this.url}/oauth/v2/keys` }));
    } else if (path === '/oauth/v2/keys') {
      this.jwksRequests += 1;
      response.end(JSON.stringify({ keys: this.keys.filter((k) => !this.hidden.has(k.kid)).map((k) => k.publicJwk) }));
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  }
}
