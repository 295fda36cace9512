import { assertEquals } from "../../tests/_assert.ts";
import * as libm from "./libm.ts";

Deno.test("elementary functions round as CPython's C library rounds them", () => {
  // Correctly rounded, where V8's Math.* is a unit in the last place off.
  assertEquals(libm.exp(-0.00022581374645233156), 0.9997742117475527);
  assertEquals(libm.log(0.906173974275589), -0.098523966786776);
  assertEquals(libm.sin(0.05444169044494629), 0.05441480116363707);
  assertEquals(libm.exp(1), Math.E);
  assertEquals(libm.log2(8), 3);
  assertEquals(libm.asin(1), Math.PI / 2);
  assertEquals(libm.acos(-1), Math.PI);
  assertEquals(libm.atan2(0, -0), Math.PI);
  assertEquals(libm.exp(-745), 5e-324);
  // glibc's own formulas (fdlibm's), which are not correctly rounded: CPython's values.
  assertEquals(libm.log10(9.048131704330444), 0.9565589135407038);
  assertEquals(libm.log10(1000), 3);
  assertEquals(libm.log1p(1.6054353443905711), 0.957599780010518);
  // A huge argument is reduced exactly.
  assertEquals(libm.sin(1e300), -0.8178819121159085);
});
