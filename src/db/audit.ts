/** The audit log (migrations/0010_audit_and_login_throttle.sql). Only src/service/audit.ts writes it. */

export interface AuditEventRow {
  id: number;
  at: number;
  project_id: string | null;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  address: string | null;
  user_agent: string | null;
}

export type NewAuditEvent = Omit<AuditEventRow, 'id'>;

export const insertAuditEvent = (db: D1Database, e: NewAuditEvent) =>
  db
    .prepare(
      `INSERT INTO audit_events (at, project_id, actor_id, actor_email, action, target, detail, address, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(e.at, e.project_id, e.actor_id, e.actor_email, e.action, e.target, e.detail, e.address, e.user_agent)
    .run();

export interface AuditQuery {
  /** One project's events; undefined for every event (system admins). */
  projectId?: string;
  actorEmail?: string;
  /** An action name, or a prefix ending in "." ("key." for every key action). */
  action?: string;
  /** Only events older than this id (the previous page's last). */
  before?: number;
  limit: number;
}

/** Newest first; one row more than the limit tells the caller whether another page exists. */
export async function listAuditEvents(db: D1Database, q: AuditQuery): Promise<AuditEventRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.projectId !== undefined) {
    where.push('project_id = ?');
    args.push(q.projectId);
  }
  if (q.actorEmail !== undefined) {
    where.push('actor_email = ? COLLATE NOCASE');
    args.push(q.actorEmail);
  }
  if (q.action !== undefined) {
    if (q.action.endsWith('.')) {
      // A prefix: the range [prefix, prefix + U+FFFF) uses the index, unlike LIKE.
      where.push('action >= ? AND action < ?');
      args.push(q.action, `${q.action}\uffff`);
    } else {
      where.push('action = ?');
      args.push(q.action);
    }
  }
  if (q.before !== undefined) {
    where.push('id < ?');
    args.push(q.before);
  }
  const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (
    await db
      .prepare(sql)
      .bind(...args, q.limit + 1)
      .all<AuditEventRow>()
  ).results;
}

export const deleteAuditEventsBefore = async (db: D1Database, before: number) =>
  (await db.prepare('DELETE FROM audit_events WHERE at < ?').bind(before).run()).meta.changes;
