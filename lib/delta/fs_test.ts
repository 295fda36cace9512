import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { localFs } from "./fs.ts";

/** A file of `size` bytes, each its index mod 251 (so a swapped or short write shows). */
function bytes(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => i % 251);
}

Deno.test("writeNew writes small and large files whole and never over an existing one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A live tick's file is written in this thread, a large one in a blocking thread.
    for (const size of [0, 1_300, 600_000]) {
      const path = `${dir}/f${size}`;
      await localFs.writeNew(path, bytes(size));
      assertEquals(await Deno.readFile(path), bytes(size));
      await assertRejects(() => localFs.writeNew(path, bytes(10)), Deno.errors.AlreadyExists);
      assertEquals(await Deno.readFile(path), bytes(size)); // untouched
    }
    await assertRejects(() => localFs.writeNew(`${dir}/missing/f`, bytes(3)), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("putIfAbsent publishes a file once and leaves no temporary file behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/_delta_log/00000000000000000000.json`;
    await Deno.mkdir(`${dir}/_delta_log`);
    assertEquals(await localFs.putIfAbsent(path, bytes(100)), true);
    assertEquals(await localFs.putIfAbsent(path, bytes(7)), false); // another writer won
    assertEquals(await Deno.readFile(path), bytes(100));
    assertEquals(await Array.fromAsync(Deno.readDir(`${dir}/_delta_log/.tmp`)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
