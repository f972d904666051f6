#pragma once
// The patient key of token and date index rows (migrations/0006 and 0007):
// a 32-bit hash of the one patient a resource is about, stored next to each
// token and date value so that a search scoped to one patient
// (`Observation?patient=X&code=Y`, `Patient/X/Observation?code=Y`,
// `Observation?patient=X&date=ge2020&_sort=-date`) reads a few index entries
// of that patient instead of testing every resource of the patient.
//
// The key is only a pre-filter: the search still checks its patient
// criterion on each candidate, so a collision costs one probe, never a wrong
// result. 0 means "not exactly one patient" (none, several, or a row written
// before the column existed) and is always probed too.

#include <cstdint>
#include <string_view>

#include "carnet/search/index_entries.hpp"

namespace carnet::store::pg {

/// The key of patient `id` ("123", not "Patient/123"): the first 4 bytes of
/// its MD5, big-endian, as a signed integer — in SQL,
/// `('x' || left(md5(id), 8))::bit(32)::int`, which the migration uses to
/// fill the rows written before it. Never changes: it is stored.
std::int32_t patient_key(std::string_view id);

/// The patient key of the rows of `entries`: patient_key of the one patient
/// that its patient compartment and its references to Patients name, or 0
/// when they name none or several. Every search criterion that matches a
/// reference to Patient/X, and every compartment search of Patient/X, only
/// matches resources whose key is patient_key(X) or 0.
std::int32_t patient_key(const search::IndexEntries& entries);

}  // namespace carnet::store::pg
