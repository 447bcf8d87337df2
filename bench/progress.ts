/** The one-line progress display on stderr (a plain line per step when not a TTY). */
import { now } from './timing';

const started = now();

function clock(): string {
  const s = Math.floor((now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Shows `text` as the current progress line. */
export function progress(text: string): void {
  const line = `[${clock()}] ${text}`;
  if (process.stderr.isTTY) {
    const width = process.stderr.columns || 100;
    process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  } else {
    process.stderr.write(`${line}\n`);
  }
}

/** Clears the progress line. */
export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}
