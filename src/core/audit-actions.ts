/**
 * Every action the audit log records, with the words people read in the console and the CSV
 * export. Audit entries are typed by this list, so an action cannot be recorded without a label,
 * and the console's action filter offers exactly these.
 */
export const AUDIT_ACTIONS = {
  'tenant.create': 'Tenant created',
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'auth.step_up.start': 'Step-up started',
  'auth.step_up.verify': 'Step-up confirmed',
  'user.create': 'User created',
  'user.update': 'User changed',
  'user.password.change': 'Password changed',
  'user.password.reset': 'Password reset by an admin',
  'user.password.reset_requested': 'Password reset requested by email',
  'user.password.recover': 'Password recovered by email',
  'user.totp.enroll_start': 'Authenticator setup started',
  'user.totp.enroll': 'Authenticator app added',
  'user.totp.remove': 'Authenticator app removed',
  'user.totp.reset': 'Authenticator app reset by an admin',
  'user.totp.recovery_codes': 'Recovery codes made',
  'user.totp.recovery_code_used': 'Recovery code used',
  'access_key.create': 'Access key created',
  'access_key.update': 'Access key changed',
  'access_key.enable': 'Access key enabled',
  'access_key.disable': 'Access key disabled',
  'access_key.delete': 'Access key deleted',
  'access_key.rotate': 'Access key secret rotated',
  'access_key.replace': 'Access key replaced by a new key',
  'access_key.end_overlap': 'Old secret ended early',
  'access_key.reveal': 'Access key secret shown',
  'access_key.secret_unreadable': 'Access key secret found altered',
  'access_key.disabled_unused': 'Access key disabled as unused',
  'access_key.credits': 'Access key credits changed',
  'access_key.import': 'Access key imported',
  'access_key.import_file': 'Access keys imported from a file',
  'access_key.leak_reported': 'Access key reported leaked',
  'access_key.self_revoke': 'Access key revoked by its holder',
  'leak_report.receive': 'Leak report received',
  'key.under_attack': 'Access key under attack',
  'identity.put': 'Identity set',
  'identity.create': 'Identity created',
  'identity.update': 'Identity changed',
  'identity.delete': 'Identity deleted',
  'identity.credits': 'Identity credits changed',
  'role.create': 'Role created',
  'role.update': 'Role changed',
  'role.delete': 'Role deleted',
  'group.create': 'Group created',
  'group.update': 'Group changed',
  'group.delete': 'Group deleted',
  'policy.update': 'Policy changed',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const isAuditAction = (value: string): value is AuditAction => Object.hasOwn(AUDIT_ACTIONS, value);

/** The readable label; an action this version does not know (recorded by another one) reads as itself. */
export function auditActionLabel(action: string): string {
  return isAuditAction(action) ? AUDIT_ACTIONS[action] : action;
}
