import { api } from '../api.js';
import { notice } from '../ui/blocks.js';
import { h, replace } from '../ui/dom.js';
import { icon } from '../ui/icons.js';
import { menuButton } from '../ui/menu.js';
import { accessBadge, accessSection } from './bucket/access.js';
import { bucketCors } from './bucket/cors.js';
import { bucketTags } from './bucket/tags.js';
import { deleteBucketDialog } from './bucket/delete.js';
import { bucketDetails } from './bucket/details.js';
import { objectListing } from './bucket/objects.js';
import { acceptFileDrops, uploadControls, uploadShelf } from './bucket/uploads.js';
import { bucketPaths } from './bucket/view.js';

/**
 * A bucket's page: all details (endpoint URL, site, created, object count and size), the ⋮ menu with Delete,
 * its CORS rules (which web pages may use it from a browser), and at the bottom its objects: paged, folders by
 * "/", breadcrumbs, a prefix filter, download, the trash icon,
 * and uploads by file picker or drag-and-drop.
 * @param {import('../app-state.js').Ctx} ctx
 */
export async function bucketPage(ctx) {
  const project = /** @type {import('../app-state.js').Project} */ (ctx.project);
  const [, siteId, name] = ctx.params;
  const { base, route } = bucketPaths(project.id, siteId, name);
  let bucket;
  try {
    bucket = (await api('GET', base)).bucket;
  } catch (err) {
    if (err.code !== 'no_key_for_site') throw err;
    return noKeyPage(ctx, err.message);
  }
  /** @type {import('./bucket/view.js').BucketView} */
  const view = { project, bucket, base, route, folder: ctx.query.get('prefix') ?? '' };

  const details = bucketDetails(view);
  const cors = bucketCors(view);
  const tags = bucketTags(view);
  const reloadAll = () => {
    objects.reload();
    details.loadStats();
  };
  const objects = objectListing(view, reloadAll);
  const badge = h('span', { class: 'access-badge' }, accessBadge(bucket));
  // A change of access shows in the head's badge and in the objects' public marks at once.
  const access = accessSection(view, (updated) => {
    replace(badge, accessBadge(updated));
    objects.reload();
  });
  const shelf = uploadShelf(ctx.app.uploads, base);
  shelf.refresh = reloadAll;
  const upload = uploadControls(view, shelf);
  const objectsSection = h(
    'section',
    { class: 'card drop-zone', 'aria-labelledby': 'objects-title' },
    h(
      'div',
      { class: 'section-head' },
      objects.title,
      h('div', { class: 'section-actions' }, upload.button, upload.picker),
    ),
    objects.toolbar,
    upload.dropHint,
    shelf.list,
    objects.listing,
    objects.pager,
  );
  acceptFileDrops(objectsSection, upload.start);

  const page = h(
    'div',
    { class: 'page' },
    h(
      'nav',
      { class: 'crumbs page-crumbs', 'aria-label': 'Breadcrumb' },
      h(
        'ol',
        null,
        h('li', null, h('a', { href: `#/p/${project.id}/buckets` }, 'Buckets')),
        h('li', null, h('a', { href: `#${route}`, 'aria-current': 'page' }, bucket.name)),
      ),
    ),
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('h1', { tabindex: '-1' }, icon('bucket', 'icon title-icon'), bucket.name),
        h('span', { class: 'badge' }, bucket.siteName),
        badge,
      ),
      menuButton('Bucket actions', [{ label: 'Delete', danger: true, onSelect: () => deleteBucketDialog(view) }]),
    ),
    details.section,
    access,
    cors.section,
    tags.section,
    objectsSection,
  );
  objects.reload();
  details.loadStats();
  cors.load();
  tags.load();
  return page;
}

/**
 * The bucket is at a site where the user holds no key: says so, with the way to Add Own Key there.
 * @param {import('../app-state.js').Ctx} ctx @param {string} reason
 */
function noKeyPage(ctx, reason) {
  const project = /** @type {import('../app-state.js').Project} */ (ctx.project);
  const [, siteId, name] = ctx.params;
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, name),
    notice(
      'warning',
      reason,
      '. ',
      h(
        'a',
        { href: `#/p/${project.id}/keys?add=${encodeURIComponent(siteId)}` },
        `Add Own Key for ${ctx.app.siteName(siteId)}`,
      ),
    ),
  );
}
