// Failures the CLI reports as `ros: <message> (<code>)` on stderr. The exit code says who is at fault:
// 2 for a command line the CLI cannot make sense of, 1 for everything else (API refusals, network, auth).

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  /**
   * @param {string} message for people
   * @param {string} code stable, machine-readable (the API's code when the API refused)
   * @param {number} [exitCode]
   * @param {string} [hint] an extra line printed after the error, e.g. the command's usage
   */
  constructor(message, code, exitCode = EXIT_FAILURE, hint) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** The API answered with `{"error": {code, message}}` (or at least a non-2xx status). */
export class ApiError extends CliError {
  /** @param {string} message @param {string} code @param {number} status */
  constructor(message, code, status) {
    super(message, code, EXIT_FAILURE);
    this.status = status;
  }
}

/** @param {string} message @param {string} [hint] */
export const usageError = (message, hint) => new CliError(message, 'usage', EXIT_USAGE, hint);
