// Entry point of the `ros` CLI: finds the command in argv, parses its options strictly, runs it, and turns any
// failure into `ros: <message> (<code>)` on stderr with exit status 1 (failure) or 2 (usage error).
import { parseArgs } from 'node:util';
import { commands } from './commands.mjs';
import { Context } from './context.mjs';
import { CliError, usageError } from './errors.mjs';

const DEFAULT_URL = 'http://localhost:8787';

/** @type {Record<string, import('./commands.mjs').OptionSpec>} */
const GLOBAL_OPTIONS = {
  url: { type: 'string', value: 'URL', help: `console URL (default: ROS_URL, else ${DEFAULT_URL})` },
  json: { type: 'boolean', help: 'print the data as JSON (lists as arrays) instead of tables' },
  help: { type: 'boolean', short: 'h', help: 'show help for the command' },
};

/** The leading words of longer command names, which take a subcommand: `ros key create`, `ros bucket cors get`. */
const GROUPS = new Set(
  Object.keys(commands).flatMap((n) => {
    const words = n.split(' ');
    return words.slice(1).map((_, j) => words.slice(0, j + 1).join(' '));
  }),
);

/**
 * @param {string[]} argv the arguments after `ros`
 * @param {{ env?: NodeJS.ProcessEnv, stdout?: NodeJS.WritableStream, stderr?: NodeJS.WritableStream }} [io]
 * @returns {Promise<number>} the exit status
 */
export async function main(argv, io = {}) {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  /** @type {Context | undefined} */
  let ctx;
  try {
    const found = findCommand(argv);
    if (found.helpTopic !== undefined) {
      stdout.write(helpFor(found.helpTopic));
      return 0;
    }
    if (wantsHelp(found.rest)) {
      stdout.write(helpFor(found.name ?? found.group ?? ''));
      return 0;
    }
    if (!found.name) {
      if (found.group) throw usageError(`\`ros ${found.group}\` needs a command`, helpFor(found.group));
      throw usageError('no command given', helpFor(''));
    }
    const command = commands[found.name];
    const { values, positionals } = parse(found.name, command, found.rest);
    ctx = new Context({
      url: consoleUrl(values.url ?? env.ROS_URL ?? DEFAULT_URL),
      json: Boolean(values.json),
      env,
      stdout,
      stderr,
    });
    await command.run(ctx, values, positionals);
    return 0;
  } catch (err) {
    if (!(err instanceof CliError)) {
      stderr.write(`ros: unexpected failure: ${err?.stack ?? err}\n`);
      return 1;
    }
    stderr.write(`ros: ${err.message} (${err.code})\n`);
    if (err.hint) stderr.write(err.hint.endsWith('\n') ? err.hint : `${err.hint}\n`);
    return err.exitCode;
  } finally {
    await ctx?.close();
  }
}

/**
 * Global options may come before the command words (`ros --url U key list`), so skip those first; the words
 * are then removed and everything else is parsed against the command's options.
 * @param {string[]} argv
 * @returns {{ name?: string, group?: string, helpTopic?: string, rest: string[] }} helpTopic: for `ros help [TOPIC]`
 */
function findCommand(argv) {
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const a = argv[i];
    if (a === '--url') i += 2;
    else if (a.startsWith('--url=') || a === '--json' || a === '--help' || a === '-h') i += 1;
    else throw usageError(`unknown option ${a.split('=')[0]}`, 'Run `ros --help` for the commands and options.');
  }
  const without = (...idx) => argv.filter((_, j) => !idx.includes(j));
  const w1 = argv[i];
  if (w1 === undefined) return { rest: argv };
  if (w1 === 'help')
    return {
      helpTopic: argv
        .slice(i + 1)
        .filter((a) => !a.startsWith('-'))
        .join(' '),
      rest: [],
    };
  // The longest run of words that names a command or a group; a group's name alone asks for its commands.
  let name = w1;
  let end = i + 1;
  while (GROUPS.has(name) && argv[end] !== undefined && !argv[end].startsWith('-')) {
    const longer = `${name} ${argv[end]}`;
    if (!commands[longer] && !GROUPS.has(longer)) throw usageError(`unknown command \`ros ${longer}\``, helpFor(name));
    name = longer;
    end += 1;
  }
  const words = Array.from({ length: end - i }, (_, j) => i + j);
  if (GROUPS.has(name)) return { group: name, rest: without(...words) };
  if (commands[name]) return { name, rest: without(...words) };
  throw usageError(`unknown command \`ros ${w1}\``, 'Run `ros --help` for the commands.');
}

/** @param {string[]} args */
function wantsHelp(args) {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * @param {string} name @param {import('./commands.mjs').Command} command @param {string[]} args
 * @returns {{ values: Record<string, any>, positionals: string[] }}
 */
function parse(name, command, args) {
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  const options = Object.fromEntries(
    Object.entries(specs).map(([k, o]) => [
      k,
      { type: o.type, ...(o.short && { short: o.short }), ...(o.multiple && { multiple: true }) },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // node:util's messages are long and mention its own API; keep the gist.
    const option = /'([^' ]+)/.exec(err.message)?.[1];
    const message =
      err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${option}`
        : err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `option ${option} ${/argument missing/.test(err.message) ? 'needs a value' : 'takes no value'}`
          : err.message;
    throw usageError(`${message} for \`ros ${name}\``, usageLine(name, command));
  }
  const { values, positionals } = parsed;
  for (const [key, spec] of Object.entries(command.options ?? {})) {
    if (spec.required && (values[key] === undefined || values[key] === '')) {
      throw usageError(`\`ros ${name}\` needs --${key} ${spec.value}`, usageLine(name, command));
    }
  }
  const expected = command.args ?? [];
  const required = expected.filter((a) => !a.optional).length;
  if (positionals.length < required || positionals.length > expected.length) {
    const problem =
      positionals.length < required
        ? `\`ros ${name}\` needs ${expected
            .slice(positionals.length)
            .map((a) => a.name)
            .join(' ')}`
        : `unexpected argument "${positionals[expected.length]}" for \`ros ${name}\``;
    throw usageError(problem, usageLine(name, command));
  }
  if (positionals.some((p) => p === ''))
    throw usageError(`${expected[0].name} must not be empty`, usageLine(name, command));
  return { values, positionals };
}

/** The console URL without a trailing slash: the API lives under <url>/api and sessions are saved per URL. */
function consoleUrl(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`not a URL: "${raw}" (from --url or ROS_URL)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError(`the console URL must be http(s): "${raw}"`);
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

// ---- help ---------------------------------------------------------------------------------------------------

/** @param {import('./commands.mjs').OptionSpec} o @param {string} k */
const optionText = (k, o) => `--${k}${o.type === 'string' ? ` ${o.value}` : ''}${o.multiple ? '...' : ''}`;

/** @param {string} name @param {import('./commands.mjs').Command} command */
function usageLine(name, command) {
  const opts = Object.entries(command.options ?? {});
  const parts = [
    `ros ${name}`,
    ...opts.filter(([, o]) => o.required).map(([k, o]) => optionText(k, o)),
    ...opts.filter(([, o]) => !o.required).map(([k, o]) => `[${optionText(k, o)}]`),
    ...(command.args ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name)),
  ];
  return `Usage: ${parts.join(' ')}`;
}

/** @param {string[][]} rows [left, right] pairs */
function twoColumns(rows) {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
}

const GLOBAL_HELP = twoColumns(
  Object.entries(GLOBAL_OPTIONS).map(([k, o]) => [`${o.short ? `-${o.short}, ` : ''}${optionText(k, o)}`, o.help]),
);

/** Help for a command, a group of commands, or (for '') everything. @param {string} what */
export function helpFor(what) {
  const name = what.trim();
  const command = commands[name];
  if (command && !GROUPS.has(name)) {
    const opts = Object.entries(command.options ?? {}).map(([k, o]) => [
      optionText(k, o),
      o.help + (o.required ? ' (required)' : ''),
    ]);
    const args = (command.args ?? []).map((a) => [a.name, a.help]);
    return [
      usageLine(name, command),
      '',
      `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`,
      ...(args.length ? ['', 'Arguments:', twoColumns(args)] : []),
      ...(opts.length ? ['', 'Options:', twoColumns(opts)] : []),
      '',
      'Global options:',
      GLOBAL_HELP,
      '',
    ].join('\n');
  }
  const names = Object.keys(commands).filter((n) => !name || n.startsWith(`${name} `));
  if (!names.length) throw usageError(`unknown command \`ros ${name}\``, 'Run `ros --help` for the commands.');
  return [
    name
      ? `Usage: ros ${name} COMMAND [options]`
      : 'ros: the admin CLI of ROS (Ridge Object Storage)\n\nUsage: ros COMMAND [options]',
    '',
    'Commands:',
    twoColumns(names.map((n) => [`ros ${n}`, commands[n].summary])),
    '',
    'Global options:',
    GLOBAL_HELP,
    ...(name
      ? ['', `Run \`ros ${name} COMMAND --help\` for a command's options.`]
      : [
          '',
          'Credentials: ROS_EMAIL and ROS_PASSWORD sign in for one command (nothing is saved); otherwise the',
          'session saved by `ros login` for the console URL ($XDG_CONFIG_HOME/ros/sessions.json, else',
          '~/.config/ros/sessions.json).',
          '',
          'Exit status: 0 success; 1 failure (the API refused, network, not signed in); 2 usage error.',
          "Errors are printed to stderr as `ros: <message> (<code>)`, with the API's error code.",
        ]),
    '',
  ].join('\n');
}
