/**
 * What the benchmarks measure with: wall time, the process's peak and current memory (from
 * `/proc/self/status`), CPU time of a process (from `/proc/<pid>/stat`), and medians.
 *
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = 100;

/** A field of `/proc/self/status` in MB (`VmHWM`: peak resident set, `VmRSS`: current). */
function statusMb(field: "VmHWM" | "VmRSS"): number {
  const text = Deno.readTextFileSync("/proc/self/status");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Peak resident memory of this process so far, MB. */
export function peakRssMb(): number {
  return statusMb("VmHWM");
}

/** Resident memory of this process now, MB. */
export function rssMb(): number {
  return statusMb("VmRSS");
}

/** CPU seconds (user + system) a process has used, its threads included. */
export function cpuSeconds(pid: number): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` and returns its wall time in seconds with its result. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}
