"""Patient records (Clinia): FHIR bundles and documents ingested per tenant and patient id."""
