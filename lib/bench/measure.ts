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

/** CPU seconds a process has used in user and in system mode, its threads included. */
export function cpuSeconds(pid: number): { user: number; system: number } {
  const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
}

/** The CPU seconds (user and system, all threads) this process has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = cpuSeconds(Deno.pid);
  return user + system;
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

/** A CPU-bound loop for a worker, given as source so it needs no file. */
const SPIN_WORKER = `self.onmessage = (e) => {
  let x = 0;
  for (let i = 0; i < e.data; i++) x = (x + Math.imul(i, 7)) | 0;
  self.postMessage(x);
};`;

/**
 * How much faster `n` workers finish `n` equal CPU-bound loops than one worker finishes
 * one, in throughput: n for a machine with n idle cores, less on a shared host. Measured
 * beside a parallel benchmark, it says what the machine allowed at that moment.
 */
export async function machineParallelism(n: number, iterations = 300_000_000): Promise<number> {
  const url = URL.createObjectURL(new Blob([SPIN_WORKER], { type: "application/javascript" }));
  const spin = async (count: number) => {
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, () =>
      new Promise<void>((resolve) => {
        const worker = new Worker(url, { type: "module" });
        worker.onmessage = () => {
          worker.terminate();
          resolve();
        };
        worker.postMessage(iterations);
      })));
    return performance.now() - start;
  };
  try {
    await spin(1); // warm-up
    const one = await spin(1);
    const many = await spin(n);
    return n * one / many;
  } finally {
    URL.revokeObjectURL(url);
  }
}
