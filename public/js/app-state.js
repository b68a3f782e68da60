// What the console knows while it runs: who is signed in, the sites, and the user's projects.
import { api } from './api.js';

/**
 * What every page may use.
 * @typedef {{ id: string, name: string, endpoint: string }} Site
 * @typedef {{ id: string, name: string, role: 'admin' | 'member' | null, createdAt: string }} Project
 * @typedef {{ id: string, email: string, name: string, isAdmin: boolean }} User
 * @typedef {{ params: string[], query: URLSearchParams, project: Project | null, app: typeof app, path: string }} Ctx
 */

export const app = {
  /** @type {User | null} */ user: null,
  /** @type {Site[]} */ sites: [],
  /** @type {Project[]} */ projects: [],
  /** @param {string} id */
  siteName: (id) => app.sites.find((s) => s.id === id)?.name ?? id,
  async reloadProjects() {
    app.projects = (await api('GET', '/projects')).projects;
  },
};
