// Interactive questions for `ros login` on a terminal. Prompts go to stderr so stdout stays clean for --json.
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from './errors.mjs';

/** @param {string} question */
export const ask = (question) => readLine(question, false);

/** Like ask, but what is typed is not echoed (for passwords). @param {string} question */
export const askHidden = (question) => readLine(question, true);

/**
 * One readline interface per question. For a hidden answer, readline's echo goes to an output that drops
 * everything once the prompt is written: one mechanism for both questions, so no second reader of the
 * terminal is left behind to echo what is typed next.
 * @param {string} question @param {boolean} hidden
 * @returns {Promise<string>}
 */
function readLine(question, hidden) {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    let answered = false;
    rl.once('SIGINT', () => rl.close());
    rl.once('close', () => {
      if (hidden) process.stderr.write('\n');
      if (!answered) reject(new CliError('Cancelled', 'cancelled', 130));
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    muted = hidden; // the prompt is written synchronously by question(); from here on only echo would follow
  });
}
