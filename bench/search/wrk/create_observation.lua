-- POST [base]/Observation with a Synthea-like vital sign (server-assigned id):
-- about ten search index rows per create (code, category, subject/patient,
-- encounter, date, value-quantity, composites, _tag...).
wrk.method = "POST"
wrk.path = "/fhir/Observation"
wrk.headers["Content-Type"] = "application/fhir+json"
wrk.body = [[{"resourceType":"Observation","meta":{"tag":[{"system":"https://smarthealthit.org/tags","code":"synthea-5-2019"}]},"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs","display":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"29463-7","display":"Body Weight"}],"text":"Body Weight"},"subject":{"reference":"Patient/bench-1"},"encounter":{"reference":"Encounter/bench-enc-1"},"effectiveDateTime":"2019-05-14T10:09:19+00:00","issued":"2019-05-14T10:09:19.451+00:00","valueQuantity":{"value":81.3,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}]]
done = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
