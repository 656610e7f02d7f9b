import { fileURLToPath } from 'node:url';
import { EMBEDDED_SLICE_TARGET_MS } from '@roster/api';
import { describe, expect, it } from 'vitest';
import { readConfig, readTrustProxy } from '../src/config';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('readConfig (the environment of SPEC §6)', () => {
  it('runs with nothing set: port 3000, the embedded database under .data/pglite, mail captured, a dev admin', () => {
    const config = readConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(`${repoRoot}.data/pglite`);
    expect(config.api.smtp).toBeNull();
    expect(config.api.bulkConcurrency).toBe(1);
    // One connection for the whole app: a bulk operation's transactions are kept short.
    expect(config.api.bulkSliceTargetMs).toBe(EMBEDDED_SLICE_TARGET_MS);
    expect(config.admin).not.toBeNull();
    expect(config.api.invitationTtlDays).toBe(7);
  });

  it('reads what is set', () => {
    const config = readConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://db/roster',
      SMTP_URL: 'smtp://mail:2525',
      SMTP_FROM: 'Roster <roster@example.com>',
      ROSTER_INVITATION_TTL_DAYS: '14',
      ROSTER_PUBLIC_URL: 'https://roster.example.com/',
    });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgres://db/roster' });
    expect(config.api).toMatchObject({
      smtp: { url: 'smtp://mail:2525', from: 'Roster <roster@example.com>' },
      invitationTtlDays: 14,
      publicUrl: 'https://roster.example.com',
      bulkConcurrency: 1,
      bulkSliceTargetMs: null,
    });
  });

  it('reads the settings of several processes on one database: pool size, lease, batch size and lanes', () => {
    const config = readConfig({
      DATABASE_URL: 'postgres://db/roster',
      ROSTER_DB_POOL_SIZE: '4',
      ROSTER_BULK_LEASE_MS: '5000',
      ROSTER_BULK_BATCH_SIZE: '1000',
      ROSTER_BULK_LANES: '3',
    });
    expect(config.dbPoolSize).toBe(4);
    expect(config.api).toMatchObject({ bulkLeaseMs: 5_000, bulkBatchSize: 1_000, bulkConcurrency: 3 });
    // The embedded database has one connection: one lane whatever is asked.
    expect(readConfig({ ROSTER_BULK_LANES: '3' }).api.bulkConcurrency).toBe(1);
    expect(readConfig({}).dbPoolSize).toBe(10);
    expect(readConfig({}).api).toMatchObject({ bulkLeaseMs: 30_000, bulkBatchSize: undefined });
  });

  it('has no admin to bootstrap in production unless one is given', () => {
    expect(readConfig({ NODE_ENV: 'production' }).admin).toBeNull();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '-1'],
    ['ROSTER_INVITATION_TTL_DAYS', '0'],
    ['ROSTER_INVITATION_TTL_DAYS', '1.5'],
    ['ROSTER_DEMO_USERS', 'many'],
    ['ROSTER_DB_POOL_SIZE', '0'],
    ['ROSTER_BULK_LEASE_MS', '500'],
    ['ROSTER_BULK_BATCH_SIZE', '0'],
    ['ROSTER_BULK_LANES', '0'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(name);
  });
});

describe('ROSTER_TRUST_PROXY', () => {
  it("is off unless set; the proxies' addresses and networks", () => {
    expect(readConfig({}).trustProxy).toBe(false);
    expect(readTrustProxy('')).toBe(false);
    expect(readTrustProxy('false')).toBe(false);
    expect(readTrustProxy('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8, 127.0.0.1');
    expect(readTrustProxy('::1,fd00::/8')).toBe('::1,fd00::/8');
  });

  it('refuses anything else at start, naming the variable: "every peer" and ranges no address family has', () => {
    for (const value of [
      'true',
      'yes please',
      '2',
      '10.0.0.0/8/1',
      '10.0.0.0/8,',
      'proxy.example',
      '0.0.0.0/0',
      '10.0.0.0/33',
      'fd00::/129',
    ])
      expect(() => readConfig({ ROSTER_TRUST_PROXY: value }), value).toThrow(/ROSTER_TRUST_PROXY/);
  });
});
