#pragma once
// <state-dir>/evidence/<UTC time>-<kind>.json: what a run did, for audits. The whole text goes
// through the redaction registry, so a registered secret never reaches an evidence file.
#include <filesystem>
#include <string>

#include "egg/core/json.hpp"

namespace egg::state {

// Writes the record (0644) and returns its path. `time` is the record's UTC ISO time.
std::filesystem::path write_evidence(const std::filesystem::path& state_dir, const std::string& kind,
                                     const std::string& time, const core::json::value& doc);

}  // namespace egg::state
