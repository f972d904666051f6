-- POST [base]/Patient with a small realistic Patient (server-assigned id).
wrk.method = "POST"
wrk.path = (os.getenv("BENCH_FHIR_PATH") or "/fhir") .. "/Patient"
wrk.headers["Content-Type"] = "application/fhir+json"
wrk.body = [[{"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.8","value":"279035121518989"}],"name":[{"family":"Martin","given":["Jeanne","Marie"]}],"gender":"female","birthDate":"1979-03-15","address":[{"line":["12 rue de la Paix"],"city":"Paris","postalCode":"75002","country":"FR"}]}]]
done = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
