import * as fc from 'fast-check';

import { type Figure } from '@test/bench/figure';
import { inboundSchemas, inputFor, schemaProperty } from '@test/security/api-schema-properties';

/**
 * fast-check over every inbound API schema, 10^5 cases in all (split evenly across the schemas): parse never
 * throws and accepted output re-parses unchanged. Throws on the first counterexample. Baseline: generating the same
 * inputs without parsing them, so the ratio is the cost of validation relative to the fuzzer itself.
 */
export async function runApiFuzzBench(totalCases = 100_000): Promise<Figure[]> {
  const schemas = inboundSchemas();
  const perSchema = Math.ceil(totalCases / schemas.length);
  const t0 = performance.now();
  for (const s of schemas) fc.assert(schemaProperty(s), { numRuns: perSchema });
  const checkedMs = performance.now() - t0;
  const t1 = performance.now();
  for (const s of schemas)
    fc.assert(
      fc.property(inputFor(s), () => true),
      { numRuns: perSchema },
    );
  const generatedMs = performance.now() - t1;
  const cases = perSchema * schemas.length;
  const value = cases / (checkedMs / 1000);
  const baseline = cases / (generatedMs / 1000);
  await Promise.resolve();
  return [
    {
      figure: `API-schema fuzz: ${cases.toLocaleString('en-US')} cases over ${schemas.length} schemas, 0 failures`,
      value,
      baseline,
      unit: 'cases/s',
      ratio: value / baseline,
      details: { cases, schemas: schemas.length, checkedMs, generatedMs },
    },
  ];
}
