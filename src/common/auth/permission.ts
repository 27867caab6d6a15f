/** Every permission a route can require (SPEC §5). */
export const PERMISSIONS = [
  'policy.read',
  'policy.write',
  'policy.delete',
  'iam.policy.read',
  'iam.policy.write',
  'iam.read',
  'org.create',
  'org.read',
  'org.delete',
  'events.read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
