import { ChannelCredentials, Client, Metadata, ServiceError, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/common/grpc/proto-files.js';
import { decodeStatusDetails } from '../../src/common/grpc/status-details.js';
import { ErrorDetail } from '../../src/common/errors/error-detail.js';

type UnaryMethod = (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: any) => void) => void;
type ServiceClient = Client & Record<string, UnaryMethod>;
type ServiceConstructor = new (address: string, credentials: ChannelCredentials) => ServiceClient;

// plain proto-loader options: what any client generated from our .proto files sees
const definition = loadSync(
  ['zitadel/admin.proto', 'zitadel/management.proto', 'zitadel/settings/v2/settings_service.proto', 'loginpolicyfactors/v1/factor_sets.proto', 'grpc/health/v1/health.proto'].map((file) => join(PROTO_ROOT, file)),
  { includeDirs: [PROTO_ROOT], keepCase: false, longs: String, enums: String, defaults: true },
);
const packages = loadPackageDefinition(definition) as any;

export interface GrpcFailure {
  code: number;
  message: string;
  /** Decoded from grpc-status-details-bin. */
  details: ErrorDetail[];
}

export type GrpcResult<T = any> = { ok: true; response: T } | { ok: false; error: GrpcFailure };

/** A client of one of our services, calling with `authorization` / `x-zitadel-orgid` metadata. */
export class GrpcTestClient {
  private readonly client: ServiceClient;

  constructor(address: string, service: 'admin' | 'management' | 'settings' | 'factor-sets' | 'health') {
    const constructors: Record<string, ServiceConstructor> = {
      admin: packages.zitadel.admin.v1.AdminService,
      management: packages.zitadel.management.v1.ManagementService,
      settings: packages.zitadel.settings.v2.SettingsService,
      'factor-sets': packages.loginpolicyfactors.v1.FactorSetService,
      health: packages.grpc.health.v1.Health,
    };
    this.client = new constructors[service](address, ChannelCredentials.createInsecure());
  }

  /** `options.metadata`: more metadata to send (the token and org are added to it). */
  call<T = any>(method: string, request: object = {}, options: { token?: string; orgId?: string; metadata?: Metadata } = {}): Promise<GrpcResult<T>> {
    const metadata = options.metadata ?? new Metadata();
    if (options.token) metadata.set('authorization', `Bearer ${options.token}`);
    if (options.orgId) metadata.set('x-zitadel-orgid', options.orgId);
    return new Promise((resolve) => {
      this.client[method](request, metadata, (error, response) => {
        if (!error) return resolve({ ok: true, response });
        const raw = error.metadata?.get('grpc-status-details-bin')[0];
        const details = raw ? decodeStatusDetails(raw as Buffer).details : [];
        resolve({ ok: false, error: { code: error.code, message: error.details, details } });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
