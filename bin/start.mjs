#!/usr/bin/env node
// `npm start`: ROS on this machine with the embedded default (wrangler dev: workerd, local D1 and R2).
// Applies D1 migrations, creates the first admin on first run, opens each dev site's loopback address,
// and prints the URLs and the login. State persists under .wrangler/ (or ROS_STATE_DIR).
import { startRos } from './lib/local-server.mjs';

const ros = await startRos({
  port: Number(process.env.PORT ?? 8787),
  stateDir: process.env.ROS_STATE_DIR,
  adminEmail: process.env.ROS_ADMIN_EMAIL,
  adminPassword: process.env.ROS_ADMIN_PASSWORD,
  log: (line) => console.log(line),
});

console.log(`
ROS is running.

  Console:   ${ros.consoleUrl}
  Login:     ${ros.admin.email} / ${ros.admin.passwordShown}
${ros.sites.map((s) => `  S3 site:   ${s.endpoint.padEnd(24)} ${s.id} — ${s.name}`).join('\n')}

  Try:       npx ros login && npx ros site list
  Stop:      Ctrl-C (data stays in ${ros.stateDir})
`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await ros.stop();
    process.exit(0);
  });
}
