// What the console knows while it runs: who is signed in, the sites, the user's projects, and the uploads in flight.
import { api } from './api.js';

/**
 * What every page may use.
 * @typedef {{ id: string, name: string, endpoint: string }} Site
 * @typedef {{ id: string, name: string, role: 'admin' | 'member' | null, createdAt: string, blockPublicAccess?: boolean }} Project
 * @typedef {{ id: string, email: string, name: string, isAdmin: boolean }} User
 * @typedef {{ params: string[], query: URLSearchParams, project: Project | null, app: typeof app, path: string }} Ctx
 */

/**
 * A bucket's uploads: their rows outlive a page render (moving between folders), and when one finishes it
 * refreshes whichever render of the bucket's page is the latest.
 * @typedef {{ list: HTMLUListElement, refresh: () => void }} BucketUploads
 */

export const app = {
  /** @type {User | null} */ user: null,
  /** @type {Site[]} */ sites: [],
  /** @type {Project[]} */ projects: [],
  /** By the bucket's API path. @type {Map<string, BucketUploads>} */ uploads: new Map(),
  /** @param {string} id */
  siteName: (id) => app.sites.find((s) => s.id === id)?.name ?? id,
  async reloadProjects() {
    app.projects = (await api('GET', '/projects')).projects;
  },
};
