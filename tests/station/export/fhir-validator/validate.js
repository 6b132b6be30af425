// node validate.js FILE.json ...  — validates each FHIR R4 resource (here: odyospiro's export
// Bundles) with the npm `fhir` package (lantanagroup, R4 4.0.0 structure definitions built in:
// cardinality, types, required bindings, unknown properties). Prints one line per error and a
// summary line "FILE: N errors, M warnings"; exit 1 when any file has an error.
'use strict';
const fs = require('fs');
const { Fhir } = require('fhir');
const fhir = new Fhir();
let failed = false;
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  const r = fhir.validate(resource, { errorOnUnexpected: true });
  const errors = r.messages.filter((m) => m.severity === 'error');
  const warnings = r.messages.filter((m) => m.severity !== 'error');
  for (const m of errors) console.log(`error ${m.location}: ${m.message}`);
  console.log(`${file}: ${errors.length} errors, ${warnings.length} warnings`);
  if (!r.valid || errors.length > 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
