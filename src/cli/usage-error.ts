/**
 * A mistake in how a command was called (unknown or missing flag, bad flag value, no inputs), as opposed
 * to a failure while running. main.ts maps it to exit status 2, the argparse/POSIX convention, so scripts
 * can tell "called wrongly" from "ran and failed" (1).
 */
export class UsageError extends Error {
  override name = 'UsageError';

  /** `what` is the problem alone; the message adds the command and where to look. */
  constructor(
    readonly command: string,
    what: string,
  ) {
    super(`${command}: ${what} (see winclip ${command} --help)`);
  }
}
