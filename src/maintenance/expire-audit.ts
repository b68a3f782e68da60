import { deleteAuditEventsBefore } from '../db/audit';
import { deleteIdleThrottleRows } from '../db/login-throttle';

/** Audit events older than this many days are deleted by the scheduled trigger (AUDIT_RETENTION_DAYS). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 90;

const DAY_MS = 24 * 3600 * 1000;

/** The retention in days from the AUDIT_RETENTION_DAYS var; anything but a positive whole number is the default. */
export function retentionDays(value: string | undefined): number {
  const days = Number(value);
  return value !== undefined && Number.isInteger(days) && days > 0 ? days : DEFAULT_AUDIT_RETENTION_DAYS;
}

/**
 * Deletes audit events older than the retention, and sign-in counters nobody has touched for a day (their window
 * is minutes; a trusted address is remembered for 90 days). Returns how many events were deleted.
 */
export async function expireAudit(db: D1Database, now: number, days: number): Promise<number> {
  const deleted = await deleteAuditEventsBefore(db, now - days * DAY_MS);
  await deleteIdleThrottleRows(db, now - DAY_MS, now - 90 * DAY_MS);
  return deleted;
}
