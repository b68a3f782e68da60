// Browser uploads: one request up to 8 MiB, multipart beyond (the API's multipart endpoints, which share the
// S3 API's multipart service), with progress and cancel.
import { api, ApiError, send } from './api.js';

/** The largest simple upload the API accepts (src/service/objects.ts SIMPLE_UPLOAD_LIMIT). */
export const SIMPLE_LIMIT = 8 * 1024 * 1024;
const PARALLEL_PARTS = 3;

/**
 * Uploads `file` as `key`. `askReplace()` is asked when the key is taken; false leaves the object as it was.
 * @param {{ base: string, key: string, file: File, onProgress: (sent: number) => void, askReplace: () => Promise<boolean>, onMultipart?: (parts: number) => void }} o
 * @returns {{ done: Promise<any>, cancel: () => void }}
 */
export function uploadFile({ base, key, file, onProgress, askReplace, onMultipart }) {
  let cancelled = false;
  /** @type {Set<{ abort: () => void }>} */
  const inflight = new Set();
  const q = (extra = '') => `?key=${encodeURIComponent(key)}${extra}`;
  const type = file.type || 'application/octet-stream';
  const cancelledError = () => new ApiError(0, 'aborted', 'Cancelled');

  /**
   * Runs `attempt(overwrite)`; when the key is taken, asks, and runs it again with overwrite.
   * @template T
   * @param {(overwrite: boolean) => Promise<T>} attempt
   * @returns {Promise<T>}
   */
  async function replacing(attempt) {
    try {
      return await attempt(false);
    } catch (err) {
      if (err.code !== 'object_exists' || cancelled) throw err;
      if (!(await askReplace()))
        throw new ApiError(409, 'kept', 'Not uploaded: an object with this name exists and was kept');
      return attempt(true);
    }
  }

  async function simple() {
    return replacing(async (overwrite) => {
      const req = send({
        method: 'PUT',
        path: `${base}/object${q(overwrite ? '&overwrite=true' : '')}`,
        body: file,
        contentType: type,
        onProgress,
      });
      inflight.add(req);
      try {
        return (await req.done).object;
      } finally {
        inflight.delete(req);
      }
    });
  }

  async function multipart() {
    let overwrite = false;
    const { upload } = await replacing((ow) => {
      overwrite = ow;
      return api('POST', `${base}/uploads`, { key, contentType: type, overwrite: ow });
    });
    const uploadPath = `${base}/uploads/${encodeURIComponent(upload.uploadId)}`;
    try {
      if (cancelled) throw cancelledError();
      // 10,000 parts at most: very large files get larger parts.
      const partSize = Math.max(upload.partSize, Math.ceil(file.size / 10000));
      const count = Math.ceil(file.size / partSize);
      onMultipart?.(count);
      const sent = new Array(count).fill(0);
      const parts = new Array(count);
      let next = 0;
      const worker = async () => {
        while (!cancelled && next < count) {
          const i = next++;
          const blob = file.slice(i * partSize, Math.min(file.size, (i + 1) * partSize));
          const req = send({
            method: 'PUT',
            path: `${uploadPath}/parts/${i + 1}${q()}`,
            body: blob,
            onProgress: (n) => {
              sent[i] = n;
              onProgress(sent.reduce((a, b) => a + b, 0));
            },
          });
          inflight.add(req);
          try {
            parts[i] = (await req.done).part;
            sent[i] = blob.size;
          } finally {
            inflight.delete(req);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, count) }, worker));
      if (cancelled) throw cancelledError();
      const list = parts.map((p) => ({ number: p.number, etag: p.etag }));
      return await replacing(
        async (ow) =>
          (await api('POST', `${uploadPath}/complete${q()}`, { parts: list, overwrite: overwrite || ow })).object,
      );
    } catch (err) {
      cancelled = true;
      for (const req of inflight) req.abort();
      // Abandoned: the staged parts are deleted now rather than by the nightly clean-up.
      await api('DELETE', `${uploadPath}${q()}`).catch(() => {});
      throw err;
    }
  }

  const done = file.size <= SIMPLE_LIMIT ? simple() : multipart();
  return {
    done,
    cancel() {
      cancelled = true;
      for (const req of inflight) req.abort();
    },
  };
}
