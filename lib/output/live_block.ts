/**
 * A block of lines redrawn in place at the bottom of a terminal (the live status of `run`),
 * with log lines printed above it.
 *
 * @module
 */

const ESC = "\x1b[";

/** A redrawable block of lines on a terminal. */
export class LiveBlock {
  readonly #write: (text: string) => void;
  readonly #render: () => string[];
  #drawn = 0;

  /** `render` gives the block's lines each time it is drawn. */
  constructor(write: (text: string) => void, render: () => string[]) {
    this.#write = write;
    this.#render = render;
  }

  /** Text that erases the block drawn last. */
  #erase(): string {
    return this.#drawn ? `${ESC}${this.#drawn}F${ESC}J` : "";
  }

  /** Draws the block anew in place of the old one. */
  redraw(): void {
    const lines = this.#render();
    this.#write(this.#erase() + lines.map((l) => l + "\n").join(""));
    this.#drawn = lines.length;
  }

  /** Prints a line above the block. */
  print(line: string): void {
    const text = line.endsWith("\n") ? line : line + "\n";
    const lines = this.#render();
    this.#write(this.#erase() + text + lines.map((l) => l + "\n").join(""));
    this.#drawn = lines.length;
  }
}
