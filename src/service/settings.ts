import { readSetting, readSettings, writeSetting } from '../db/settings';
import type { Services } from './context';
import { invalidInput } from './errors';
import type { Body } from './input';

/** The system settings as the API shows them (docs/api.md, "System settings"). */
export interface Settings {
  /** Every signed-in user may create a project (on), or only system admins (off). */
  selfServiceProjects: boolean;
}

// A missing row means the default: a database migrated before the row existed behaves as it always did.
const selfService = (value: string | null | undefined) => value !== 'off';

export async function getSettings(s: Services): Promise<Settings> {
  const rows = await readSettings(s.db);
  return { selfServiceProjects: selfService(rows.self_service_projects) };
}

export const selfServiceProjects = async (s: Services) => selfService(await readSetting(s.db, 'self_service_projects'));

/** Changes the settings the body names (`{"selfServiceProjects": true | false}`); others stay. */
export async function changeSettings(s: Services, body: Body): Promise<Settings> {
  const known: (keyof Settings)[] = ['selfServiceProjects'];
  const unknown = Object.keys(body).filter((k) => !known.includes(k as keyof Settings));
  if (unknown.length) throw invalidInput(`Unknown setting "${unknown[0]}"; settings are: ${known.join(', ')}`);
  if (body.selfServiceProjects !== undefined) {
    if (typeof body.selfServiceProjects !== 'boolean')
      throw invalidInput('"selfServiceProjects" must be true or false');
    await writeSetting(s.db, 'self_service_projects', body.selfServiceProjects ? 'on' : 'off');
  }
  return getSettings(s);
}
